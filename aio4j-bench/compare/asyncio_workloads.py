"""The side-by-side workloads on Python's asyncio (or uvloop with --uvloop).

Usage: python asyncio_workloads.py [--uvloop] spawn N | switch TASKS YIELDS | pingpong N
                                              | timers N MAX_MS | idle N

Same workloads, warm-up and output as dev.aio4j.bench.compare.AioWorkloads: a warm-up (the same
code at 100,000 tasks or round trips, or AIO4J_BENCH_WARMUP; two rounds of up to 10,000 for
timers), one measured round
inside one asyncio.run, one JSON line on stdout.
"""

import asyncio
import gc
import json
import os
import platform
import random
import sys
import time


def rss_bytes():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return -1


def warm_size(n, cap):
    """The size of a warm-up round: cap, or AIO4J_BENCH_WARMUP if smaller; independent of n."""
    env = os.environ.get("AIO4J_BENCH_WARMUP", "").strip()
    return max(1, min(cap, int(env) if env else cap))


async def nothing():
    pass


async def spawn_round(n):
    tasks = [asyncio.create_task(nothing()) for _ in range(n)]
    for t in tasks:
        await t


def spawn_rounds(n):
    """Measured rounds of spawn: enough for about 100,000 tasks in all, at most 20."""
    return max(1, min(20, 100_000 // n))


async def spawn(n):
    await spawn_round(warm_size(n, 100_000))
    took = []
    for _ in range(spawn_rounds(n)):
        t0 = time.perf_counter_ns()
        await spawn_round(n)
        took.append(time.perf_counter_ns() - t0)
    took.sort()
    median = took[len(took) // 2]
    return {"workload": "spawn", "n": n, "value": median / n, "unit": "ns/task", "rounds": len(took),
            "seconds": median / 1e9}


async def yielder(yields):
    for _ in range(yields):
        await asyncio.sleep(0)


async def switch_round(tasks, yields):
    ts = [asyncio.create_task(yielder(yields)) for _ in range(tasks)]
    for t in ts:
        await t


async def switch(tasks, yields):
    await switch_round(min(tasks, 100), min(yields, 1_000))
    t0 = time.perf_counter_ns()
    await switch_round(tasks, yields)
    took = time.perf_counter_ns() - t0
    n = tasks * yields
    return {"workload": "switch", "n": n, "tasks": tasks, "yields": yields, "value": took / n,
            "unit": "ns/switch", "seconds": took / 1e9}


async def pong(requests, replies):
    while True:
        v = await requests.get()
        if v < 0:
            return
        await replies.put(v + 1)


async def pingpong_round(n):
    requests, replies = asyncio.Queue(), asyncio.Queue()
    p = asyncio.create_task(pong(requests, replies))
    v = 0
    for _ in range(n):
        await requests.put(v)
        v = await replies.get()
    await requests.put(-1)
    await p
    assert v == n, (v, n)


async def pingpong(n):
    await pingpong_round(warm_size(n, 100_000))
    t0 = time.perf_counter_ns()
    await pingpong_round(n)
    took = time.perf_counter_ns() - t0
    return {"workload": "pingpong", "n": n, "via": "queue", "value": took / n, "unit": "ns/round trip",
            "seconds": took / 1e9}


async def sleeper(delay_ns, late, k):
    start = time.perf_counter_ns()
    await asyncio.sleep(delay_ns / 1e9)
    late[k] = time.perf_counter_ns() - start - delay_ns


async def timers_round(n, max_ms, late):
    rnd = random.Random(1)
    max_ns = max_ms * 1_000_000
    delays = [rnd.randint(0, max_ns) for _ in range(n)]
    t0 = time.perf_counter_ns()
    ts = [asyncio.create_task(sleeper(delays[k], late, k)) for k in range(n)]
    for t in ts:
        await t
    return time.perf_counter_ns() - t0, max(delays)


def percentile(sorted_values, p):
    if not sorted_values:
        return 0
    i = min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))
    return sorted_values[i]


async def timers(n, max_ms):
    w = warm_size(n, 10_000)
    for _ in range(2):
        await timers_round(w, 10, [0] * w)
    late = [0] * n
    took, longest = await timers_round(n, max_ms, late)
    late.sort()
    return {"workload": "timers", "n": n, "value": (took - longest) / 1e6, "unit": "ms over ideal",
            "seconds": took / 1e9, "ideal_ms": longest / 1e6,
            "late_p50_ms": percentile(late, 50) / 1e6, "late_p99_ms": percentile(late, 99) / 1e6,
            "late_max_ms": late[-1] / 1e6}


async def idle_round(n, measure):
    rss0 = 0
    if measure:
        gc.collect()
        rss0 = rss_bytes()
    event = asyncio.Event()
    ts = [asyncio.create_task(event.wait()) for _ in range(n)]
    await asyncio.sleep(0)  # every task has started and now waits
    await asyncio.sleep(0)
    result = None
    if measure:
        gc.collect()
        rss1 = rss_bytes()
        result = {"workload": "idle", "n": n, "value": (rss1 - rss0) / n, "unit": "bytes/task",
                  "rss_mb": rss1 / 1048576}
    event.set()
    for t in ts:
        await t
    return result


async def idle(n):
    await idle_round(1_000, False)
    return await idle_round(n, True)


def main(argv):
    use_uvloop = "--uvloop" in argv
    args = [a for a in argv if a != "--uvloop"]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    workload = args[0]
    nums = [int(a.replace("_", "")) for a in args[1:]]
    defaults = {"spawn": [1_000_000], "switch": [1_000, 1_000], "pingpong": [1_000_000],
                "timers": [100_000, 100], "idle": [100_000]}
    if workload not in defaults:
        print(__doc__, file=sys.stderr)
        return 2
    nums = nums + defaults[workload][len(nums):]
    body = {"spawn": spawn, "switch": switch, "pingpong": pingpong, "timers": timers, "idle": idle}[workload]
    version = platform.python_version()
    if use_uvloop:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        impl = "uvloop %s (python %s)" % (uvloop.__version__, version)
    else:
        impl = "asyncio (python %s)" % version
    gc.collect()
    result = asyncio.run(body(*nums))
    result = {"impl": impl, **result}
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
