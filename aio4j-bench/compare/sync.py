"""The programs of SyncBench for CPython asyncio, measured the same way.

    ~/.pyenv/versions/3.13.0/bin/python aio4j-bench/compare/sync.py

All figures are nanoseconds per operation: a queue ping-pong round trip between two tasks;
Lock acquire/release uncontended (one task) and contended (10 tasks that each yield while
holding it); a Semaphore(100)-bounded fan-out of 100,000 tasks (per task); an Event set once for
100,000 waiting tasks (per waiter). Each figure is the mean of 5 measured rounds after 3 warm-up
rounds (and the best round, which a loaded machine disturbs least); every round runs the program
repeatedly for about 2 seconds, as the JMH side does.
"""

import asyncio
import statistics
import sys
import time

ROUND_TRIPS = 10_000
LOCK_OPS = 1_000_000
CONTENDERS = 10
CONTENDED_EACH = 1_000
FAN_OUT = 100_000
FAN_OUT_LIMIT = 100
WAITERS = 100_000


async def queue_ping_pong():
    ping, pong = asyncio.Queue(), asyncio.Queue()

    async def echo():
        for _ in range(ROUND_TRIPS):
            await pong.put(await ping.get())

    t = asyncio.create_task(echo())
    total = 0
    for i in range(ROUND_TRIPS):
        await ping.put(i)
        total += await pong.get()
    await t
    return total


async def lock_uncontended():
    lock = asyncio.Lock()
    n = 0
    for _ in range(LOCK_OPS):
        async with lock:
            n += 1
    return n


async def lock_contended():
    lock = asyncio.Lock()
    n = 0

    async def contender():
        nonlocal n
        for _ in range(CONTENDED_EACH):
            async with lock:
                n += 1
                await asyncio.sleep(0)

    tasks = [asyncio.create_task(contender()) for _ in range(CONTENDERS)]
    for t in tasks:
        await t
    return n


async def semaphore_fan_out100k():
    sem = asyncio.Semaphore(FAN_OUT_LIMIT)

    async def job():
        async with sem:
            await asyncio.sleep(0)

    tasks = [asyncio.create_task(job()) for _ in range(FAN_OUT)]
    for t in tasks:
        await t
    return FAN_OUT


async def event_broadcast100k():
    ev = asyncio.Event()
    tasks = [asyncio.create_task(ev.wait()) for _ in range(WAITERS)]
    await asyncio.sleep(0)  # every waiter is parked on the event
    ev.set()
    for t in tasks:
        await t
    return WAITERS


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
    for name, program, ops in [
        ("queuePingPong", queue_ping_pong, ROUND_TRIPS),
        ("lockUncontended", lock_uncontended, LOCK_OPS),
        ("lockContended", lock_contended, CONTENDERS * CONTENDED_EACH),
        ("semaphoreFanOut100k", semaphore_fan_out100k, FAN_OUT),
        ("eventBroadcast100k", event_broadcast100k, WAITERS),
    ]:
        mean, sd, best = await measure(program, ops)
        print(f"{name:20s} {mean * 1e9:12.1f} ± {sd * 1e9:8.1f} ns/op  (best round {best * 1e9:.1f})", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
