"""asyncio (or uvloop with --uvloop) echo server for the side-by-side runner's echo rows, on the
protocol path (a Protocol whose data_received writes back, reading paused while the peer does
not read) or, with --streams, the streams path. Prints "listening on 127.0.0.1:PORT"."""
import asyncio
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def pause_writing(self):
        self.transport.pause_reading()

    def resume_writing(self):
        self.transport.resume_reading()


async def serve_streams(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


async def main():
    loop = asyncio.get_running_loop()
    if '--streams' in sys.argv:
        server = await asyncio.start_server(serve_streams, '127.0.0.1', 0)
    else:
        server = await loop.create_server(Echo, '127.0.0.1', 0)
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
