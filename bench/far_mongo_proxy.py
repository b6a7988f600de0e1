#!/usr/bin/env python3
"""A loopback TCP proxy standing for a MongoDB far away: every chunk, either way, is passed on
DELAY_MS after it arrived (order kept, throughput not limited), so a round trip costs twice
that more. Prints its port on stdout, then serves until killed.

With COUNT_FILE, the bytes passed each way so far are kept there as one line, "to_server
from_server", rewritten after each chunk (DELAY_MS 0 counts the traffic of a link alone).

Usage: far_mongo_proxy.py UPSTREAM_PORT DELAY_MS [COUNT_FILE]
"""

import asyncio
import sys


PASSED = [0, 0]


def counted(way, size, count_file):
    """Adds `size` bytes to the traffic passed `way` (0 to the server, 1 from it)."""
    PASSED[way] += size
    if count_file:
        with open(count_file, "w") as f:
            f.write(f"{PASSED[0]} {PASSED[1]}\n")


async def pipe(reader, writer, delay, way=0, count_file=None):
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
            counted(way, len(data), count_file)
            queue.put_nowait((loop.time() + delay, data))
    finally:
        queue.put_nowait((0, None))
        await sending


async def main():
    upstream, delay = int(sys.argv[1]), int(sys.argv[2]) / 1000
    count_file = sys.argv[3] if len(sys.argv) > 3 else None

    async def serve(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pipe(client_reader, server_writer, delay, 0, count_file),
            pipe(server_reader, client_writer, delay, 1, count_file),
            return_exceptions=True,
        )

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
