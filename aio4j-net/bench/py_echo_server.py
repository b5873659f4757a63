"""asyncio (or uvloop with --uvloop) echo server; prints "listening on H:P".

Streams (StreamReader/StreamWriter) by default; --protocol serves with a plain Protocol whose
data_received writes the bytes straight back (asyncio's fastest path).
"""
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


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def main():
    if '--protocol' in sys.argv:
        server = await asyncio.get_running_loop().create_server(EchoProtocol, '127.0.0.1', 0)
    else:
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
