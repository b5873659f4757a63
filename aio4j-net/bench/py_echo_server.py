"""asyncio (or uvloop with --uvloop) stream echo server; prints "listening on H:P"."""
import asyncio
import sys


async def serve(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(serve, '127.0.0.1', 0)
    print('listening on 127.0.0.1:%d' % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    if '--uvloop' in sys.argv:
        import uvloop
        uvloop.install()
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
