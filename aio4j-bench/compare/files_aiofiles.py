#!/usr/bin/env python3
"""File reading with aiofiles, for compare/files.py: the same workloads as FileWorkloads.java.

    python3 files_aiofiles.py many DIR | whole FILE | chunks FILE | into FILE

One warm-up round, one measured round, one JSON line on standard output.
"""
import asyncio
import json
import os
import sys
import time

import aiofiles

CHUNK = 1 << 20


async def read_whole(path):
    async with aiofiles.open(path, "rb") as f:
        return len(await f.read())


async def workload(name, path):
    if name == "many":
        names = await aiofiles.os.listdir(path)
        sizes = await asyncio.gather(*(read_whole(os.path.join(path, n)) for n in names))
        return sum(sizes)
    if name == "whole":
        return await read_whole(path)
    if name == "chunks":
        total = 0
        async with aiofiles.open(path, "rb") as f:
            while True:
                b = await f.read(CHUNK)
                if not b:
                    return total
                total += len(b)
    if name == "into":
        total, buf = 0, bytearray(CHUNK)
        async with aiofiles.open(path, "rb") as f:
            while True:
                n = await f.readinto(buf)
                if not n:
                    return total
                total += n
    raise SystemExit("unknown workload " + name)


def main():
    import aiofiles.os  # noqa: F401  (listdir)
    name, path = sys.argv[1], sys.argv[2]
    nbytes, ms = 0, 0.0
    for _ in range(2):  # the first round warms up
        t0 = time.perf_counter()
        nbytes = asyncio.run(workload(name, path))
        ms = (time.perf_counter() - t0) * 1000
    try:
        from importlib.metadata import version
        aiofiles_version = version("aiofiles")
    except Exception:  # noqa: BLE001  (an old or unusual install: the version is only a label)
        aiofiles_version = "?"
    print(json.dumps({"impl": "aiofiles %s (Python %s)" % (aiofiles_version, sys.version.split()[0]),
                      "workload": name, "n": nbytes, "value": ms, "unit": "ms",
                      "mb_per_s": nbytes / 1e6 / (ms / 1000)}))


if __name__ == "__main__":
    main()
