"""An aiohttp.web server for the HTTP client's tests: it counts its open connections so that
the client's limits can be checked from the server's side. Prints 'PORT <n>' when it listens and
exits when its stdin closes (the test that started it ended). With CERT and KEY (PEM files) as
arguments it serves HTTPS."""
import asyncio
import gzip
import json
import ssl
import sys
import zlib

from aiohttp import web, web_server

stats = {'open': 0, 'max': 0, 'accepted': 0, 'requests': 0, 'sent': 0}

_made = web_server.Server.connection_made
_lost = web_server.Server.connection_lost


def connection_made(self, handler, transport):
    _made(self, handler, transport)
    stats['open'] += 1
    stats['accepted'] += 1
    stats['max'] = max(stats['max'], stats['open'])


def connection_lost(self, handler, exc=None):
    _lost(self, handler, exc)
    stats['open'] -= 1


web_server.Server.connection_made = connection_made
web_server.Server.connection_lost = connection_lost

TEXT = ''.join('line %05d of a text that compresses well\n' % i for i in range(5000))


@web.middleware
async def count(request, handler):
    if request.path not in ('/stats', '/reset'):
        stats['requests'] += 1
    return await handler(request)


async def hello(request):
    return web.Response(text='hello')


async def echo(request):
    body = await request.read()
    return web.json_response({
        'method': request.method,
        'path': request.path,
        'query': [[k, v] for k, v in request.query.items()],
        'headers': {k: v for k, v in request.headers.items()},
        'body': body.decode('utf-8', 'replace'),
    })


async def delay(request):
    await asyncio.sleep(int(request.query.get('ms', '100')) / 1000)
    return web.Response(text='ok')


async def slowbody(request):
    parts = int(request.query.get('parts', '5'))
    ms = int(request.query.get('ms', '100'))
    resp = web.StreamResponse()
    await resp.prepare(request)
    for i in range(parts):
        await resp.write(b'part %d\n' % i)
        await asyncio.sleep(ms / 1000)
    await resp.write_eof()
    return resp


async def stall(request):
    resp = web.StreamResponse()
    resp.content_length = 1000
    await resp.prepare(request)
    await resp.write(b'x' * 10)
    await asyncio.sleep(3600)
    return resp


async def status(request):
    code = int(request.match_info['code'])
    return web.Response(status=code, text='status %d' % code)


async def redirect(request):
    n = int(request.match_info['n'])
    if n == 0:
        return web.Response(text='done')
    raise web.HTTPFound('/redirect/%d' % (n - 1))


async def loop(request):
    raise web.HTTPFound('/loop')


async def see_other(request):
    raise web.HTTPSeeOther('/echo')


async def gzipped(request):
    return web.Response(body=gzip.compress(TEXT.encode()), headers={'Content-Encoding': 'gzip', 'Content-Type': 'text/plain'})


async def deflated(request):
    return web.Response(body=zlib.compress(TEXT.encode()), headers={'Content-Encoding': 'deflate', 'Content-Type': 'text/plain'})


async def broken_gzip(request):
    data = bytearray(gzip.compress(TEXT.encode()))
    data[len(data) // 2] ^= 0xff
    return web.Response(body=bytes(data), headers={'Content-Encoding': 'gzip'})


async def chunked(request):
    resp = web.StreamResponse()
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    for i in range(100):
        await resp.write(b'chunk %03d;' % i)
    await resp.write_eof()
    return resp


async def many_bytes(request):
    n = int(request.query['n'])
    block = bytes(range(256)) * 256  # 64 KiB
    resp = web.StreamResponse()
    resp.content_length = n
    await resp.prepare(request)
    left = n
    while left > 0:
        piece = block if left >= len(block) else block[:left]
        await resp.write(piece)  # waits while the client does not read
        left -= len(piece)
        stats['sent'] += len(piece)
    await resp.write_eof()
    return resp


async def cookie_set(request):
    resp = web.Response(text='set')
    resp.set_cookie('flavour', 'oat')
    return resp


async def cookie_get(request):
    return web.Response(text=request.cookies.get('flavour', '-'))


async def get_stats(request):
    return web.json_response(stats)


async def reset(request):
    stats['max'] = stats['open']
    stats['accepted'] = 0
    stats['requests'] = 0
    stats['sent'] = 0
    return web.json_response(stats)


async def main():
    app = web.Application(middlewares=[count])
    app.add_routes([
        web.get('/hello', hello), web.route('*', '/echo', echo), web.get('/delay', delay),
        web.get('/slowbody', slowbody), web.get('/stall', stall), web.get('/status/{code}', status),
        web.get('/redirect/{n}', redirect), web.get('/loop', loop), web.post('/see-other', see_other),
        web.get('/gzip', gzipped), web.get('/deflate', deflated), web.get('/broken-gzip', broken_gzip),
        web.get('/chunked', chunked), web.get('/bytes', many_bytes), web.get('/cookie/set', cookie_set),
        web.get('/cookie/get', cookie_get), web.get('/stats', get_stats), web.get('/reset', reset),
    ])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    context = None
    if len(sys.argv) == 3:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
    site = web.TCPSite(runner, '127.0.0.1', 0, ssl_context=context)
    await site.start()
    print('PORT %d' % site._server.sockets[0].getsockname()[1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


asyncio.run(main())
