"""The programs of StructuredBench for CPython asyncio, measured the same way.

    ~/.pyenv/versions/3.13.0/bin/python aio4j-bench/compare/structured.py

gather of 10,000 tasks, a TaskGroup of 10,000 tasks and as_completed over 10,000 tasks are
reported per batch in microseconds; a timeout scope entered and left around a body that does not
wait is reported per scope in nanoseconds; 100,000 tasks that finish without waiting, spawned
lazily or eagerly (Task(..., eager_start=True), asyncio 3.12+) and awaited, per task in nanoseconds. Each figure is the mean of 5 measured rounds after 3
warm-up rounds (and the best round, which a loaded machine disturbs least); every round runs the
program repeatedly for about 2 seconds, as the JMH side does.
"""

import asyncio
import statistics
import sys
import time

CHILDREN = 10_000
SCOPES = 1_000_000
SPAWNS = 100_000


async def one():
    return 1


async def gather10k():
    results = await asyncio.gather(*[one() for _ in range(CHILDREN)])
    return len(results)


async def task_group10k():
    async with asyncio.TaskGroup() as tg:
        for _ in range(CHILDREN):
            tg.create_task(one())
    return CHILDREN


async def as_completed10k():
    tasks = [asyncio.create_task(one()) for _ in range(CHILDREN)]
    total = 0
    async for f in asyncio.as_completed(tasks):
        total += f.result()
    return total


async def timeout_scope():
    n = 0
    for _ in range(SCOPES):
        async with asyncio.timeout(10):
            n += 1
    return n


async def spawn_lazy100k():
    tasks = [asyncio.create_task(one()) for _ in range(SPAWNS)]
    for t in tasks:
        await t
    return SPAWNS


async def spawn_eager100k():
    loop = asyncio.get_running_loop()
    tasks = [asyncio.Task(one(), loop=loop, eager_start=True) for _ in range(SPAWNS)]
    for t in tasks:
        await t
    return SPAWNS


async def measure(program, ops, round_seconds=2.0, warmups=3, rounds=5):
    """Mean seconds per operation over the measured rounds."""
    per_round = []
    for r in range(warmups + rounds):
        count = 0
        start = time.perf_counter()
        while True:
            await program()
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= round_seconds:
                break
        if r >= warmups:
            per_round.append(elapsed / (count * ops))
    return statistics.mean(per_round), statistics.stdev(per_round), min(per_round)


async def main():
    print(f"CPython {sys.version.split()[0]} asyncio, {asyncio.get_running_loop().__class__.__name__}")
    for name, program, ops, unit, scale in [
        ("gather10k", gather10k, 1, "us/op", 1e6),
        ("taskGroup10k", task_group10k, 1, "us/op", 1e6),
        ("asCompleted10k", as_completed10k, 1, "us/op", 1e6),
        ("timeoutScope", timeout_scope, SCOPES, "ns/op", 1e9),
        ("spawnLazy100k", spawn_lazy100k, SPAWNS, "ns/op", 1e9),
        ("spawnEager100k", spawn_eager100k, SPAWNS, "ns/op", 1e9),
    ]:
        mean, sd, best = await measure(program, ops)
        print(f"{name:16s} {mean * scale:12.1f} ± {sd * scale:8.1f} {unit}  (best round {best * scale:.1f})")


if __name__ == "__main__":
    asyncio.run(main())
