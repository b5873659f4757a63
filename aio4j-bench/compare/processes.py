"""The programs of ProcessBench for CPython asyncio, measured the same way.

    ~/.pyenv/versions/3.13.0/bin/python aio4j-bench/compare/processes.py

All figures are microseconds per operation: `true` started and waited for with no pipes; `echo`
with all three pipes, through communicate(); 8 children of `true` at once (per child); 16 MiB
through `cat` with communicate() (per MiB). Each figure is the mean of 5 measured rounds after 3
warm-up rounds (and the best round); every round runs the program repeatedly for about 2
seconds, as the JMH side does.
"""

import asyncio
import sys
from asyncio.subprocess import DEVNULL, PIPE

from sync import measure  # the same rounds as every other comparison

AT_ONCE = 8
CAT_MIB = 16
CAT_INPUT = bytes(CAT_MIB << 20)


async def spawn_and_wait_true():
    p = await asyncio.create_subprocess_exec("true", stdin=DEVNULL, stdout=DEVNULL, stderr=DEVNULL)
    return await p.wait()


async def spawn_communicate_echo():
    p = await asyncio.create_subprocess_exec("echo", "hello", stdin=PIPE, stdout=PIPE, stderr=PIPE)
    out, _ = await p.communicate()
    return len(out)


async def spawn_eight_at_once():
    codes = await asyncio.gather(*(spawn_and_wait_true() for _ in range(AT_ONCE)))
    return sum(codes)


async def cat_communicate():
    p = await asyncio.create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE, stderr=PIPE)
    out, _ = await p.communicate(CAT_INPUT)
    return len(out)


async def main():
    print(f"CPython {sys.version.split()[0]} asyncio, {asyncio.get_running_loop().__class__.__name__}")
    for name, program, ops in [
        ("spawnAndWaitTrue", spawn_and_wait_true, 1),
        ("spawnCommunicateEcho", spawn_communicate_echo, 1),
        ("spawnEightAtOnce", spawn_eight_at_once, AT_ONCE),
        ("catCommunicate", cat_communicate, CAT_MIB),
    ]:
        mean, sd, best = await measure(program, ops)
        print(f"{name:22s} {mean * 1e6:10.1f} ± {sd * 1e6:8.1f} us/op  (best round {best * 1e6:.1f})", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
