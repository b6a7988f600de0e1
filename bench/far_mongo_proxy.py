#!/usr/bin/env python3
"""A loopback TCP proxy standing for a MongoDB far away: every chunk, either way, is passed on
DELAY_MS after it arrived (order kept, throughput not limited), so a round trip costs twice
that more. Prints its port on stdout, then serves until killed.

Usage: far_mongo_proxy.py UPSTREAM_PORT DELAY_MS
"""

import asyncio
import sys


async def pipe(reader, writer, delay):
    """Copies reader to writer, each chunk held `delay` seconds from its arrival."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def held():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    sending = asyncio.create_task(held())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((loop.time() + delay, data))
    finally:
        queue.put_nowait((0, None))
        await sending


async def main():
    upstream, delay = int(sys.argv[1]), int(sys.argv[2]) / 1000

    async def serve(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pipe(client_reader, server_writer, delay),
            pipe(server_reader, client_writer, delay),
            return_exceptions=True,
        )

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
