#!/usr/bin/env python3
"""Side-by-side runner: the same workloads as whole programs on aio4j (carrier and portable
mode), CPython 3.13 asyncio, CPython 3.11 asyncio, uvloop, Node 20, Kotlin coroutines (one
thread and Dispatchers.Default), plain Java virtual threads and the VT floor (below), echo
servers (aio4j's streams, protocol and buffered-protocol paths, asyncio and uvloop protocols, Netty's native epoll,
virtual threads) under a C load generator, and HTTP: aio4j's server against aiohttp, uvicorn, Node
and the JDK's server under wrk, WebSocket echo against Python websockets, and aio4j's HTTP client
against aiohttp, httpx and the JDK's client, in one run.

    ./aio4j bench compare [--quick]        (builds first, then runs this file)
    python3 aio4j-bench/compare/compare.py [--quick] [--reps N] [--only spawn,switch,http,...]
                                           [--impls aio4j,uvloop,...] [--docs | --no-docs]

Workloads (full / --quick sizes):
  spawn     create N tasks that do nothing, await each          1,000,000 / 50,000   ns per task
  switch    T tasks yield to the loop Y times each               1,000 x 1,000 / 100 x 500
  pingpong  two tasks pass a number through two queues           1,000,000 / 50,000   ns per round trip
  timers    N concurrent sleeps, random delays up to 100 ms      100,000 / 10,000     ms over the ideal
  idle      N tasks wait on one event                            100,000 / 10,000     RSS bytes per task
  scale     spawn at 1,000 ... N tasks, for the cost-per-task plot (below 100,000 tasks each
            process reports the median of up to 20 rounds)
  echo      each echo server pinned to core 0, the C load generator (aio4j-net/bench/echo_load.c,
            one message in flight per connection) to core 1: 1/10/100 KiB x 10/100 connections
            (--quick: 1 KiB x 100, 100 KiB x 10), 2 s warm-up (1 s) then 3 s (2 s)  msg/s, p99
  loops     aio4j (streams, protocol) on a LoopGroup of 1 and 2 loops and Netty on 1 and 2
            event loops, nothing pinned, 1 KiB x 100 (and 10 KiB x 100 in full runs): msg/s and
            the CPU each side used, per message (what one core costs)
  http      HTTP server: `wrk -t1 -c100` against GET / answered "Hello, world\\n" by aio4j's
            HttpHello example (carrier and portable), aiohttp.web, uvicorn (bare ASGI), Node's http
            and com.sun.net.httpserver on virtual threads, nothing pinned, a new server per run,
            2 s warm-up then 5 s (--quick: 1 s, 2 s)         requests/s, p99, server CPU/request
  ws        WebSocket echo: 100 connections from one aio4j client JVM (WsEchoLoad.java), each
            sending 32 bytes and awaiting the echo, against aio4j's Router.webSocket and Python
            websockets, 2 s warm-up then 5 s (2 s)           round trips/s, p50, p99
  http-client  HTTP client: 10,000 GET requests (--quick: 2,000) with 100 in flight against the
            JDK's server on virtual threads, from aio4j's HttpSession (carrier and portable), the
            JDK's HttpClient on virtual threads, aiohttp's ClientSession and httpx, after a warm-up
            round of a fifth                                 requests/s, p50, p99
  (http and ws run http_bench.py's servers and load, http-client http_client_bench.py's server
  and clients; wrk, aiohttp, uvicorn, websockets and httpx come from Debian's packages, installed
  when missing. On 2 cores the three take about 6 minutes at full size.)

The peak resident memory of every process (its VmHWM, from wait4) is recorded too; the
summary's peak RSS row is the spawn workload's.

The "VT floor (1 carrier)" row (FloorWorkloads.java) is the JDK's floor for a thread-per-task
design on one carrier: the same workloads written directly on virtual threads whose scheduler is
one platform thread draining a queue of continuations (the JDK-internal VirtualThreadBuilder
(Executor) constructor that aio4j's carrier mode also uses), with no aio4j at all: start and
join, Thread.yield, park/unpark with a plain field for ping-pong, Thread.sleep, park for idle.
aio4j's carrier mode starts, parks and resumes a virtual thread per task on that same machinery
and adds its loop on top, so this row's spawn, switch and idle are what aio4j's can approach
without changing how the JDK runs a virtual thread; the targets table shows it beside aio4j's.
For spawn, switch and pingpong both rows also record carrier_cpu_per_op in the results JSON: the
carrier thread's CPU nanoseconds per operation (mean over the measured rounds), which other
processes on a shared machine disturb less than elapsed time.

Every (workload, implementation) pair runs at least 3 times, in separate processes: round after
round of every workload, the implementations alternating within each (their order rotated
between rounds); the median is reported. Each program warms up with the same code before its
measured round: 100,000 tasks or round trips (AIO4J_BENCH_WARMUP caps it: 20,000 with --quick,
50,000 in full runs); for idle, rounds of 10,000 waiting tasks that many in all, on every JVM
row (so the measured tasks park through compiled code, where a parked virtual thread's stack
chunk is about half its cold size, in a class histogram); two rounds of up to 10,000 sleeps for
timers; 100 x 1,000 yields for switch. The Java rows read idle's VmRSS once it stops changing,
since G1 returns collected heap to the OS from a background thread after a full collection.

Output: aio4j-bench/target/compare/results-<time>.json and .md, the cost-per-task plot, and
(full runs, or --docs) the generated section of docs/PERFORMANCE.md and docs/perf-spawn-scaling.png.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time

import http_bench
import http_client_bench

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
JAR = os.path.join(BENCH, "target", "benchmarks.jar")
PEERS_JAR = os.path.join(BENCH, "peers", "target", "peers.jar")
ECHO_LOAD_C = os.path.join(ROOT, "aio4j-net", "bench", "echo_load.c")
VT_ECHO = os.path.join(ROOT, "aio4j-net", "bench", "VtEchoServer.java")
OUT = os.path.join(BENCH, "target", "compare")
DOC = os.path.join(ROOT, "docs", "PERFORMANCE.md")
PLOT_NAME = "perf-spawn-scaling.png"
BEGIN, END = "<!-- compare:begin -->", "<!-- compare:end -->"
OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED"

PY313 = os.path.expanduser("~/.pyenv/versions/3.13.0/bin/python")
PY311 = "/usr/bin/python3"

ASYNCIO_313 = "asyncio 3.13"
ASYNCIO_311 = "asyncio 3.11"
UVLOOP = "uvloop"
FLOOR = "VT floor (1 carrier)"

# workload -> (full args, quick args)
SIZES = {
    "spawn": ([1_000_000], [50_000]),
    "switch": ([1_000, 1_000], [100, 500]),
    "pingpong": ([1_000_000], [50_000]),
    "timers": ([100_000, 100], [10_000, 100]),
    "idle": ([100_000], [10_000]),
}
SCALE = ([1_000, 10_000, 100_000], [1_000, 10_000])  # plus the spawn size itself
WORKLOADS = ["spawn", "switch", "pingpong", "timers", "idle", "scale", "echo", "loops", "http", "ws", "http-client"]
HTTP_WORKLOADS = ["http", "ws", "http-client"]
MICRO = ["spawn", "switch", "pingpong", "timers", "idle", "scale"]
# echo: (size, connections) cells, full and --quick; (warm-up s, measured s)
ECHO_CELLS = ([(1024, 10), (1024, 100), (10240, 10), (10240, 100), (102400, 10), (102400, 100)],
              [(1024, 100), (102400, 10)])
ECHO_TIME = ((2, 3), (1, 2))
LOOPS_CELLS = ([(1024, 100), (10240, 100)], [(1024, 100)])
# http: wrk's connections; (warm-up s, measured s), full and --quick
HTTP_CONNECTIONS = 100
HTTP_TIME = ((2, 5), (1, 2))
# ws: connections; measured seconds after WsEchoLoad's 2 s warm-up, full and --quick
WS_CONNECTIONS = 100
WS_SECONDS = (5, 2)
# http-client: (requests, in flight), full and --quick
HTTP_CLIENT = ((10_000, 100), (2_000, 100))
WHAT = {
    "spawn": "spawn: create N tasks that do nothing, then await each",
    "switch": "switch: T tasks each yield to the loop Y times (asyncio.sleep(0), Aio.sleep(ZERO), "
              "setImmediate, Thread.yield)",
    "pingpong": "queue ping-pong: two tasks pass a number through two queues (asyncio.Queue, "
                "dev.aio4j.queue.Queue, a promise FIFO, ArrayBlockingQueue; park/unpark and a field for the VT floor)",
    "timers": "timers: N tasks sleep random delays up to 100 ms at once; the value is the whole run "
              "(spawning included) minus the longest delay",
    "idle": "idle memory: N tasks wait on one event (asyncio.Event, a Future, a promise, a latch; park for "
            "the VT floor); "
            "resident memory (VmRSS) per waiting task, after a full collection",
}


class Impl:
    def __init__(self, name, argv, note):
        self.name, self.argv, self.note = name, argv, note

    def command(self, workload, args):
        return self.argv + [workload] + [str(a) for a in args]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_quiet(argv, timeout=60):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        return p.returncode, (p.stdout + p.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return -1, str(e)


def apt_install(package, why):
    """Installs a Debian package when missing; returns None on success, else the reason."""
    if os.geteuid() != 0:
        return "not root, cannot install %s (%s)" % (package, why)
    if not shutil.which("apt-get"):
        return "no apt-get to install %s" % package
    log("compare: installing %s from Debian's packages (%s)" % (package, why))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for argv in (["apt-get", "install", "-y", "-qq", package],
                 ["sh", "-c", "apt-get update -qq && apt-get install -y -qq " + package]):
        p = subprocess.run(argv, capture_output=True, text=True, env=env)
        if p.returncode == 0:
            return None
    return "apt-get install %s failed: %s" % (package, p.stderr.strip().splitlines()[-1:] or "")


def run_child(argv, timeout):
    """Runs argv to the end; returns (exit code, stdout, stderr, peak RSS in bytes from wait4)."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = {}
    readers = [threading.Thread(target=lambda k=k, f=f: out.__setitem__(k, f.read()), daemon=True)
               for k, f in (("out", p.stdout), ("err", p.stderr))]
    for t in readers:
        t.start()
    deadline = time.monotonic() + timeout
    for t in readers:
        t.join(max(0, deadline - time.monotonic()))
    if any(t.is_alive() for t in readers):
        p.kill()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join(5)
    if time.monotonic() > deadline:
        raise subprocess.TimeoutExpired(argv, timeout)
    return p.returncode, out.get("out", ""), out.get("err", ""), usage.ru_maxrss * 1024


def find_java(explicit):
    candidates = [explicit] if explicit else []
    if os.environ.get("JAVA_HOME"):
        candidates.append(os.path.join(os.environ["JAVA_HOME"], "bin", "java"))
    candidates += sorted((os.path.join("/usr/lib/jvm", d, "bin", "java") for d in os.listdir("/usr/lib/jvm")),
                         reverse=True) if os.path.isdir("/usr/lib/jvm") else []
    if shutil.which("java"):
        candidates.append(shutil.which("java"))
    for c in candidates:
        if c and os.access(c, os.X_OK):
            code, out = run_quiet([c, "-version"])
            m = re.search(r'version "(\d+)', out)
            if code == 0 and m and int(m.group(1)) >= 21:
                return c, out.splitlines()[0]
    return None, None


def find_node():
    """(node, its version) for Node 18 or later, else (None, why not)."""
    node = shutil.which("node") or ("/usr/bin/node" if os.access("/usr/bin/node", os.X_OK) else None)
    if not node:
        return None, "node not found"
    code, out = run_quiet([node, "--version"])
    m = re.match(r"v(\d+)", out)
    if code == 0 and m and int(m.group(1)) >= 18:
        return node, out
    return None, "node %s is older than 18" % out


PY_MODULES = {}  # module -> (version, None) or (None, why not)


def py_module(module, package, why):
    """The version of a module /usr/bin/python3 imports, installing Debian's package when it is
    missing: (version, None), or (None, why it cannot run)."""
    if module not in PY_MODULES:
        probe = [PY311, "-c", "import %s as m; print(getattr(m, '__version__', '?'))" % module]
        code, out = run_quiet(probe)
        reason = None
        if code != 0:
            reason = apt_install(package, why)
            code, out = run_quiet(probe)
        PY_MODULES[module] = (out, None) if code == 0 else (
            None, reason or "import %s failed: %s" % (module, (out.splitlines() or [""])[-1]))
    return PY_MODULES[module]


def discover(args):
    """The implementations that can run here, and what was skipped and why."""
    impls, skipped, versions = [], [], {}
    java, java_version = find_java(args.java)
    if not java:
        skipped.append(("aio4j, virtual threads", "no JDK 21+ found (set JAVA_HOME)"))
    elif not os.path.exists(JAR):
        skipped.append(("aio4j, virtual threads", "%s missing: build with ./aio4j bench compare" % JAR))
    else:
        versions["java"] = java_version
        jvm = [java, "-Daio4j.quiet=true", "-cp", JAR]
        impls.append(Impl("aio4j", [java, OPENS] + jvm[1:] + ["dev.aio4j.bench.compare.AioWorkloads"],
                          "carrier mode: tasks are virtual threads scheduled by the loop"))
        impls.append(Impl("aio4j portable", jvm + ["dev.aio4j.bench.compare.AioWorkloads"],
                          "portable mode: default-scheduler virtual threads passing a baton"))
        impls.append(Impl("virtual threads", jvm + ["dev.aio4j.bench.compare.ThreadWorkloads"],
                          "plain virtual threads on the JDK's default scheduler, no loop"))
        impls.append(Impl(FLOOR, [java, OPENS] + jvm[1:] + ["dev.aio4j.bench.compare.FloorWorkloads"],
                          "the JDK's floor for a thread-per-task design on one carrier: virtual threads on a "
                          "one-platform-thread scheduler (a queue of continuations), no aio4j; ping-pong "
                          "with park/unpark and a plain field, idle threads parked"))
    if java and os.path.exists(PEERS_JAR):
        kt = [java, "-cp", PEERS_JAR, "dev.aio4j.bench.peers.KotlinWorkloadsKt"]
        impls.append(Impl("kotlin 1 thread", kt + ["single"],
                          "kotlinx.coroutines on one thread (newSingleThreadContext + runBlocking)"))
        impls.append(Impl("kotlin default", kt + ["default"],
                          "kotlinx.coroutines on Dispatchers.Default (a worker per core, work stealing)"))
    elif java:
        skipped.append(("kotlin, Netty", "%s missing: build with ./aio4j bench compare (Maven profile "
                                         "bench-peers)" % PEERS_JAR))
    script = os.path.join(HERE, "asyncio_workloads.py")
    if os.access(PY313, os.X_OK):
        versions["python 3.13"] = run_quiet([PY313, "--version"])[1]
        impls.append(Impl(ASYNCIO_313, [PY313, script], "CPython 3.13 (pyenv), asyncio's default loop"))
    else:
        skipped.append((ASYNCIO_313, "%s not found" % PY313))
    if os.access(PY311, os.X_OK):
        versions["python 3"] = run_quiet([PY311, "--version"])[1]
        impls.append(Impl(ASYNCIO_311, [PY311, script], "Debian's CPython, asyncio's default loop"))
        code, out = run_quiet([PY311, "-c", "import uvloop; print(uvloop.__version__)"])
        if code != 0:
            why = apt_install("python3-uvloop", "uvloop for %s" % PY311)
            code, out = run_quiet([PY311, "-c", "import uvloop; print(uvloop.__version__)"])
            if code != 0:
                skipped.append((UVLOOP, why or "import uvloop failed: %s" % out))
        if code == 0:
            versions["uvloop"] = out
            impls.append(Impl(UVLOOP, [PY311, script, "--uvloop"], "uvloop %s on %s" % (out, PY311)))
    else:
        skipped.append((ASYNCIO_311 + ", uvloop", "%s not found" % PY311))
    node, out = find_node()
    if node:
        versions["node"] = out
        impls.append(Impl("node", [node, "--expose-gc", os.path.join(HERE, "node_workloads.mjs")],
                          "Node %s, async/await" % out))
    else:
        skipped.append(("node", out))
    if args.impls:
        wanted = [w.strip() for w in args.impls.split(",")]
        for i in impls:
            if i.name not in wanted:
                skipped.append((i.name, "not in --impls"))
        impls = [i for i in impls if i.name in wanted]
    return impls, skipped, versions


def machine():
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            info["cpu"] = m.group(1).strip() if m else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    info["cores"] = os.cpu_count()
    try:
        with open("/proc/meminfo") as f:
            kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
            info["memory"] = "%.0f GiB" % (kb / 1048576)
    except (OSError, AttributeError):
        pass
    info["os"] = "%s %s" % (platform.system(), platform.release())
    try:
        with open("/etc/debian_version") as f:
            info["os"] += ", Debian " + f.read().strip()
    except OSError:
        pass
    return info


class CpuShare:
    """How much CPU other processes used while we ran (the machine may be shared)."""

    def __init__(self):
        self.busy0, self.wall0, self.ours0 = self.busy(), time.monotonic(), self.ours()
        self.loads = []

    @staticmethod
    def busy():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def ours():
        c, s = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        return c.ru_utime + c.ru_stime + s.ru_utime + s.ru_stime

    def sample(self):
        try:
            with open("/proc/loadavg") as f:
                self.loads.append(float(f.read().split()[0]))
        except OSError:
            pass

    def summary(self):
        wall = max(1e-9, time.monotonic() - self.wall0)
        others = max(0.0, (self.busy() - self.busy0) - (self.ours() - self.ours0)) / wall
        return {"other_cores": round(others, 2), "load_max": max(self.loads or [0]),
                "load_mean": round(statistics.mean(self.loads), 2) if self.loads else 0}


def plan(args, impls):
    quick = 1 if args.quick else 0
    only = args.only.split(",") if args.only else WORKLOADS
    jobs = []  # (key, workload, args)
    for w in MICRO:
        if w not in only:
            continue
        if w == "scale":
            for n in SCALE[quick]:
                jobs.append(("scale %d" % n, "spawn", [n]))
        else:
            jobs.append((w, w, SIZES[w][quick]))
    return jobs


def fmt_duration(s):
    s = int(s)
    return "%d:%02d" % (s // 60, s % 60)


def run_all(args, impls, jobs, share):
    results = {}  # key -> impl -> [json]
    failures = []
    total = len(jobs) * args.reps * len(impls)
    done, start = 0, time.monotonic()
    tty = sys.stderr.isatty()
    stopped = None
    for rep in range(args.reps):
        for key, workload, wargs in jobs:
            order = impls[rep % len(impls):] + impls[:rep % len(impls)]
            for impl in order:
                share.sample()
                done += 1
                elapsed = time.monotonic() - start
                if args.stop_after and elapsed > args.stop_after * 60:
                    stopped = stopped or "stopped after %s by --stop-after %g: %d of %d runs not started" % (
                        fmt_duration(elapsed), args.stop_after, total - done + 1, total)
                    continue
                left = elapsed / (done - 1) * (total - done + 1) if done > 1 else 0
                head = "[%3d/%d %s, ~%s left] %s rep %d/%d %s" % (
                    done, total, fmt_duration(elapsed), fmt_duration(left), key, rep + 1, args.reps, impl.name)
                if tty:
                    sys.stderr.write("\r\033[K" + head + " ...")
                    sys.stderr.flush()
                if any(f[0] == key and f[1] == impl.name for f in failures):
                    continue  # failed once: do not pay its timeout again
                t0 = time.monotonic()
                try:
                    code, stdout, stderr, peak = run_child(impl.command(workload, wargs), args.timeout)
                    line = [l for l in stdout.splitlines() if l.startswith("{")]
                    if code != 0 or not line:
                        raise RuntimeError("exit %d: %s" % (code, (stderr.strip().splitlines() or [""])[-1]))
                    r = json.loads(line[-1])
                    r["peak_rss_mb"] = peak / 1048576
                except (subprocess.TimeoutExpired, RuntimeError, ValueError) as e:
                    failures.append((key, impl.name, str(e)[:200]))
                    log(("\r\033[K" if tty else "") + head + " FAILED: " + str(e)[:200])
                    continue
                r["wall"] = time.monotonic() - t0
                results.setdefault(key, {}).setdefault(impl.name, []).append(r)
                msg = head + " %s %s" % (fmt_num(r["value"]), r["unit"])
                if tty:
                    sys.stderr.write("\r\033[K" + msg)
                    sys.stderr.flush()
                else:
                    log(msg)
    if tty:
        sys.stderr.write("\n")
    if stopped:
        log("compare: " + stopped)
        failures.append(("*", "*", stopped))
    return results, failures



# ------------------------------------------------------------------ echo servers

def echo_servers(args, java):
    """(name, argv, note) of every echo server that can run here, and what was skipped."""
    servers, skipped = [], []
    if java and os.path.exists(JAR):
        aio = [java, OPENS, "-Daio4j.quiet=true", "-cp", JAR, "dev.aio4j.bench.compare.EchoServers"]
        servers.append(("aio4j streams", aio + ["streams"], "a task per client: read(64 KiB), write, drain"))
        servers.append(("aio4j protocol", aio + ["protocol"], "a Protocol per client: write back in dataReceived"))
        servers.append(("aio4j buffered", aio + ["buffered"], "a BufferedProtocol per client: read into its own "
                        "direct buffer, write that buffer back (no byte[] in between)"))
    py_echo = os.path.join(HERE, "echo_server.py")
    if os.access(PY311, os.X_OK):
        servers.append(("asyncio 3.11 protocol", [PY311, py_echo], "asyncio.Protocol on Debian's CPython"))
        if run_quiet([PY311, "-c", "import uvloop"])[0] == 0:
            servers.append(("uvloop protocol", [PY311, py_echo, "--uvloop"], "the same Protocol on uvloop"))
        else:
            skipped.append(("uvloop echo", "import uvloop failed"))
    if java and os.path.exists(PEERS_JAR):
        servers.append(("Netty epoll", [java, "-cp", PEERS_JAR, "dev.aio4j.bench.peers.NettyEchoServer"],
                        "Netty 4.2 native epoll, one event loop, write in channelRead, flush on read complete"))
    elif java:
        skipped.append(("Netty echo", "%s missing" % PEERS_JAR))
    if java:
        servers.append(("virtual threads", [java, VT_ECHO],
                        "blocking java.net, a virtual thread per client (aio4j-net/bench/VtEchoServer.java)"))
    if args.impls:
        wanted = [w.strip() for w in args.impls.split(",")]
        servers = [s for s in servers if s[0] in wanted or s[0].split()[0] in wanted]
    return servers, skipped


def loop_servers(java):
    """The LoopGroup scaling runs: aio4j on 1 and 2 loops, Netty on 1 and 2 event loops."""
    out = []
    if java and os.path.exists(JAR):
        aio = [java, OPENS, "-Daio4j.quiet=true", "-cp", JAR, "dev.aio4j.bench.compare.EchoServers"]
        for path in ("streams", "protocol"):
            for n in (1, 2):
                out.append(("aio4j %s, %d loop%s" % (path, n, "s" if n > 1 else ""), aio + [path, "--loops", str(n)], ""))
    if java and os.path.exists(PEERS_JAR):
        for n in (1, 2):
            out.append(("Netty epoll, %d event loop%s" % (n, "s" if n > 1 else ""),
                        [java, "-cp", PEERS_JAR, "dev.aio4j.bench.peers.NettyEchoServer", "--threads", str(n)], ""))
    return out


def build_load_generator():
    exe = os.path.join(OUT, "echo_load")
    os.makedirs(OUT, exist_ok=True)
    if not shutil.which("gcc"):
        why = apt_install("gcc", "to build the echo load generator")
        if not shutil.which("gcc"):
            return None, why or "gcc missing"
    p = subprocess.run(["gcc", "-O2", "-o", exe, ECHO_LOAD_C], capture_output=True, text=True)
    return (exe, None) if p.returncode == 0 else (None, "gcc failed: " + p.stderr.strip()[-200:])


def cpu_seconds(pid):
    """User + system CPU time of a process and its threads so far, from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(argv, pin):
    cmd = (["taskset", "-c", pin] if pin is not None else []) + argv
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = p.stdout.readline()
        if not line and p.poll() is not None:
            break
        m = re.search(r"listening on [^:]+:(\d+)", line or "")
        if m:
            return p, int(m.group(1))
    p.kill()
    p.wait()
    raise RuntimeError("server did not start: %s" % " ".join(argv[-3:]))


def echo_once(loadgen, argv, size, conns, warmup, seconds, pinned):
    """One server, one cell: the load generator's numbers plus the CPU both sides used."""
    server, port = start_server(argv, "0" if pinned else None)
    try:
        load = (["taskset", "-c", "1"] if pinned else []) + [loadgen, "127.0.0.1", str(port), str(conns),
                                                             str(size), str(seconds), str(warmup)]
        t0 = time.monotonic()
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        child = subprocess.Popen(load, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(warmup)
        cpu0 = cpu_seconds(server.pid)
        t1 = time.monotonic()
        stdout, stderr = "", ""
        try:
            stdout, stderr = child.communicate(timeout=seconds + 60)
        except subprocess.TimeoutExpired:
            child.kill()
            raise RuntimeError("load generator timed out")
        cpu1 = cpu_seconds(server.pid)
        t2 = time.monotonic()
        if child.returncode != 0:
            raise RuntimeError("load generator: " + (stderr.strip().splitlines() or ["exit %d" % child.returncode])[-1])
        r = dict((k, float(v)) for k, v in re.findall(r"(\w+)=([\d.]+)", stdout))
        msgs = r.get("msgs", 0)
        # the measured window is the generator's last `seconds`; our CPU sample spans about the same
        r["server_cores"] = (cpu1 - cpu0) / max(1e-9, t2 - t1)
        r["server_cpu_us_per_msg"] = (cpu1 - cpu0) * 1e6 / msgs if msgs else None
        # the generator is the only child reaped meanwhile; its CPU covers warm-up and measurement
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_cpu = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
        r["load_cpu_us_per_msg"] = load_cpu * 1e6 / (msgs * (warmup + seconds) / seconds) if msgs else None
        r["wall"] = t2 - t0
        return r
    finally:
        server.kill()
        server.wait()


def run_echo(args, servers, cells, timing, pinned, label, share):
    """Every server on every cell, args.reps rounds with the servers' order rotated: key -> name -> [runs]."""
    results, failures = {}, []
    loadgen, why = build_load_generator()
    if not loadgen:
        return results, [("echo", "*", why)]
    warmup, seconds = timing
    total, done, start = args.reps * len(cells) * len(servers), 0, time.monotonic()
    for rep in range(args.reps):
        for size, conns in cells:
            key = "%s %d KiB x %d" % (label, size // 1024, conns)
            order = servers[rep % len(servers):] + servers[:rep % len(servers)]
            for name, argv, _ in order:
                share.sample()
                done += 1
                if args.stop_after and time.monotonic() - args.t0 > args.stop_after * 60:
                    continue
                if any(f[0] == key and f[1] == name for f in failures):
                    continue
                head = "[%d/%d %s] %s rep %d/%d %s" % (done, total, fmt_duration(time.monotonic() - start), key,
                                                       rep + 1, args.reps, name)
                try:
                    r = echo_once(loadgen, argv, size, conns, warmup, seconds, pinned)
                except (RuntimeError, OSError) as e:
                    failures.append((key, name, str(e)[:200]))
                    log(head + " FAILED: " + str(e)[:200])
                    continue
                results.setdefault(key, {}).setdefault(name, []).append(r)
                log(head + " %s msg/s p99 %s us, server %.2f cores, %s us CPU/msg" % (
                    fmt_num(r["msgs_per_s"]), fmt_num(r["p99_us"]), r["server_cores"],
                    fmt_num(r["server_cpu_us_per_msg"])))
    return results, failures


def med(runs, field):
    vals = [r[field] for r in runs if r.get(field) is not None]
    return statistics.median(vals) if vals else None


def echo_table(results, servers, cells, label):
    """Servers as rows, cells as columns (median msg/s), then p99 at 1 KiB x 100 when measured."""
    keys = ["%s %d KiB x %d" % (label, s // 1024, c) for s, c in cells]
    p99_key = "%s 1 KiB x 100" % label
    head = ["server"] + ["%dK x%d msg/s" % (s // 1024, c) for s, c in cells]
    if p99_key in keys:
        head.append("p99 1K x100")
    out = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for name, _, _ in servers:
        cells_out = [fmt_num(med(results.get(k, {}).get(name, []), "msgs_per_s")) for k in keys]
        if p99_key in keys:
            p = med(results.get(p99_key, {}).get(name, []), "p99_us")
            cells_out.append("-" if p is None else "%s us" % fmt_num(p))
        out.append("| %s | %s |" % (name, " | ".join(cells_out)))
    return "\n".join(out)


def loops_table(results, servers, cells):
    out = ["| server | cell | msg/s | p99 us | server cores used | server CPU us/msg | generator CPU us/msg |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for size, conns in cells:
        key = "loops %d KiB x %d" % (size // 1024, conns)
        for name, _, _ in servers:
            runs = results.get(key, {}).get(name, [])
            if runs:
                out.append("| %s | %d KiB x %d | %s | %s | %.2f | %s | %s |" % (
                    name, size // 1024, conns, fmt_num(med(runs, "msgs_per_s")), fmt_num(med(runs, "p99_us")),
                    med(runs, "server_cores"), fmt_num(med(runs, "server_cpu_us_per_msg")),
                    fmt_num(med(runs, "load_cpu_us_per_msg"))))
    return "\n".join(out)


# ------------------------------------------------------------------ HTTP server, WebSocket, HTTP client
# The servers, load and clients are http_bench.py's and http_client_bench.py's; this runs them in
# rounds and reports medians like the rows above.

def java_major(java):
    m = re.search(r'version "(\d+)', run_quiet([java, "-version"])[1]) if java else None
    return int(m.group(1)) if m else 0


def wanted_by(args, name, label):
    if not args.impls:
        return True
    wanted = [w.strip() for w in args.impls.split(",")]
    return name in wanted or label in wanted or label.split()[0] in wanted


def http_setup(args, java, only, versions):
    """What the HTTP workloads can run here: {workload: [(label, name, note, thing to run)]},
    the wrk binary, what was skipped and why, and that per workload: {workload: [(label, why)]}."""
    plan, skipped = {w: [] for w in HTTP_WORKLOADS if w in only}, []
    missing = {w: [] for w in plan}
    if not plan:
        return plan, None, skipped, missing
    tmp = os.path.join(OUT, "http-apps")
    os.makedirs(tmp, exist_ok=True)
    have_jar = java and os.path.exists(JAR)
    no_jar = "no JDK 21+" if not java else "%s missing: build with ./aio4j bench compare" % JAR

    def skip(workload, label, why):
        skipped.append(("%s (%s)" % (label, workload), why))
        missing[workload].append((label, why))

    def add(workload, table, descriptions, name, check=lambda: (None, None)):
        """Plans a peer asked for by --impls, when check() says why it cannot run (or its version)."""
        label, note = descriptions[name]
        if not wanted_by(args, name, label):
            return
        why_not, version = check()
        if why_not:
            skip(workload, label, why_not)
        else:
            plan[workload].append((label, name, note + (" (%s)" % version if version else ""), table[name]))

    def module(name, package, why):
        return lambda: py_module(name, package, why)[::-1]

    def unless(why_not):
        return lambda: (why_not, None)

    wrk = None
    if "http" in plan:
        wrk = shutil.which("wrk")
        if not wrk:
            why = apt_install("wrk", "the HTTP load generator")
            wrk = shutil.which("wrk")
            if not wrk:
                skip("http", "every server", why or "wrk missing")
        if wrk:
            versions["wrk"] = (run_quiet([wrk, "-v"])[1].splitlines() or ["?"])[0].split(" Copyright")[0]
            node, node_info = find_node()
            # the bench jar holds aio4j but not the examples: the launcher compiles HttpHello.java
            # and the example sources it uses (JDK 22's multi-file source launch)
            aio_why = no_jar if not have_jar else None if java_major(java) >= 22 else \
                "HttpHello runs from its source beside the bench jar, which needs JDK 22+"
            table = http_bench.servers(tmp, java, JAR, http_bench.HELLO_SRC, node)
            d = http_bench.SERVERS
            add("http", table, d, "aio4j", unless(aio_why))
            add("http", table, d, "aio4j-portable", unless(aio_why))
            add("http", table, d, "aiohttp", module("aiohttp", "python3-aiohttp", "an HTTP server peer"))
            add("http", table, d, "uvicorn", module("uvicorn", "python3-uvicorn", "an HTTP server peer"))
            add("http", table, d, "node", lambda: (None, node_info) if node else (node_info, None))
            add("http", table, d, "jdk-vt", unless(None if java else "no JDK 21+"))
    if "ws" in plan:
        table = http_bench.ws_servers(tmp, java, JAR)
        d = http_bench.WS_SERVERS
        if not have_jar:
            skip("ws", "every server", "the load (WsEchoLoad.java) runs on aio4j: " + no_jar)
        else:
            add("ws", table, d, "aio4j")
            add("ws", table, d, "websockets", module("websockets", "python3-websockets", "a WebSocket server peer"))
    if "http-client" in plan:
        d, table = http_client_bench.CLIENTS, {n: n for n in http_client_bench.CLIENTS}
        if not have_jar:
            skip("http-client", "every client", "the server (HttpClientBench) is in the bench jar: " + no_jar)
        else:
            add("http-client", table, d, "aio4j")
            add("http-client", table, d, "aio4j-portable")
            add("http-client", table, d, "threads")
            add("http-client", table, d, "aiohttp", module("aiohttp", "python3-aiohttp", "an HTTP client peer"))
            add("http-client", table, d, "httpx", module("httpx", "python3-httpx", "an HTTP client peer"))
    for module in ("aiohttp", "uvicorn", "websockets", "httpx"):
        if PY_MODULES.get(module, (None,))[0]:
            versions[module] = PY_MODULES[module][0]
    return plan, wrk, skipped, missing


def run_rounds(args, key, entries, once, share, show):
    """Every entry once per round, args.reps rounds, the order rotated: ({key: {label: [runs]}},
    failures). once(entry) returns a run's dict; show(run) the text logged for it."""
    results, failures = {}, []
    total, done, start, stopped = args.reps * len(entries), 0, time.monotonic(), 0
    for rep in range(args.reps):
        for entry in entries[rep % len(entries):] + entries[:rep % len(entries)]:
            label = entry[0]
            share.sample()
            done += 1
            if args.stop_after and time.monotonic() - args.t0 > args.stop_after * 60:
                stopped += 1
                continue
            if any(f[0] == key and f[1] == label for f in failures):
                continue  # failed once: do not pay its timeout again
            head = "[%d/%d %s] %s rep %d/%d %s" % (done, total, fmt_duration(time.monotonic() - start), key,
                                                   rep + 1, args.reps, label)
            t0 = time.monotonic()
            try:
                r = once(entry)
            except (RuntimeError, OSError, ValueError, AttributeError, subprocess.SubprocessError) as e:
                why = str(e).strip().splitlines()[-1:] or [type(e).__name__]
                failures.append((key, label, why[0][:200]))
                log(head + " FAILED: " + why[0][:200])
                continue
            r["wall"] = time.monotonic() - t0
            results.setdefault(key, {}).setdefault(label, []).append(r)
            log(head + " " + show(r))
    if stopped:
        failures.append(("*", "*", "%s: %d runs not started (--stop-after %g)" % (key, stopped, args.stop_after)))
    return results, failures


def run_http(args, java, plan, wrk, share):
    """The http, ws and http-client workloads, each in its own rounds."""
    quick = 1 if args.quick else 0
    results, failures = {}, []
    if plan.get("http"):
        warmup, seconds = HTTP_TIME[quick]
        r, f = run_rounds(args, "http", plan["http"], lambda e: http_bench.wrk_run(
            e[3], wrk, HTTP_CONNECTIONS, warmup, seconds), share,
            lambda r: "%s req/s p99 %s ms, server %s us CPU/req%s" % (
                fmt_num(r["rps"]), fmt_num(r["p99_ms"]), fmt_num(r["server_cpu_us_per_request"]),
                (" socket errors: " + r["errors"]) if r["errors"] else ""))
        results.update(r)
        failures += f
    if plan.get("ws"):
        r, f = run_rounds(args, "ws", plan["ws"], lambda e: http_bench.ws_run(
            e[3], java, JAR, WS_CONNECTIONS, WS_SECONDS[quick]), share,
            lambda r: "%s round trips/s p50 %s ms p99 %s ms" % (fmt_num(r["rps"]), fmt_num(r["p50_ms"]),
                                                                fmt_num(r["p99_ms"])))
        results.update(r)
        failures += f
    if plan.get("http-client"):
        n, c = HTTP_CLIENT[quick]
        try:
            server, port = http_client_bench.start_server("jdk", java)
        except (RuntimeError, OSError) as e:
            return results, failures + [("http-client", "*", str(e)[:200])]
        url = "http://127.0.0.1:%d/" % port
        try:
            r, f = run_rounds(args, "http-client", plan["http-client"], lambda e: http_client_bench.run_client(
                e[3], java, url, n, c, args.timeout), share,
                lambda r: "%s req/s p50 %s ms p99 %s ms" % (fmt_num(r["rps"]), fmt_num(r["p50_ms"]),
                                                            fmt_num(r["p99_ms"])))
        finally:
            http_client_bench.stop_server(server)
        results.update(r)
        failures += f
    return results, failures


def rate_table(results, key, entries, head, cols, missing, failures):
    """Rows as in entries; median requests (or round trips) per second, its range, aio4j's median
    over the row's, then median `cols` fields (title, field, suffix); then the rows that did not
    run, with the reason."""
    rows = results.get(key, {})
    own_label = next((label for label, name, _, _ in entries if name == "aio4j"), None)
    own = med(rows.get(own_label, []), "rps")
    not_run = []
    out = ["| %s | %s/s | min - max | aio4j over this | %s |" % (head[0], head[1], " | ".join(t for t, _, _ in cols)),
           "|---|---:|---:|---:|" + "---:|" * len(cols)]
    for label, _, _, _ in entries:
        runs = rows.get(label)
        if not runs:
            why = next(("failed: " + f[2] for f in failures if f[0] == key and f[1] in (label, "*")),
                       "not started (--stop-after)")
            not_run.append((label, why))
            continue
        rps = [r["rps"] for r in runs]
        m = statistics.median(rps)
        cells = [fmt_num(m), "%s - %s" % (fmt_num(min(rps)), fmt_num(max(rps))),
                 "-" if label == own_label else ratio(own, m)]
        cells += [fmt_num(med(runs, f)) + s for _, f, s in cols]
        out.append("| %s | %s |" % (label, " | ".join(cells)))
    for label, why in not_run + missing:
        out.append("| %s | not run: %s |%s" % (label, why.replace("|", "/"), " |" * (2 + len(cols))))
    return "\n".join(out)


def http_sections(results, plan, missing, failures, quick, reps):
    """The generated block's HTTP sections, for the workloads asked for."""
    out = []

    def runs(key):  # "medians of N runs": the most any row got (fewer when stopped early)
        return max([len(v) for v in results.get(key, {}).values()] or [0]) if key in results else reps
    if "http" in plan:
        warmup, seconds = HTTP_TIME[quick]
        out.append("\n### HTTP server\n")
        out.append("Every server answers `GET /` with `Hello, world\\n`; `wrk -t1 -c%d --latency` on the same "
                   "machine, nothing pinned; %d s warm-up then %d s measured in each run, a new server process "
                   "per run, the servers' order rotated between rounds; medians of %d runs. \"aio4j over this\" is "
                   "aio4j (carrier)'s median requests/s over the row's; \"server CPU\" is the server process's CPU "
                   "time over the measured run per request (`http_bench.py`).\n" % (
                       HTTP_CONNECTIONS, warmup, seconds, runs("http")))
        out += ["- `%s`: %s" % (label, note) for label, _, note, _ in plan["http"]]
        out.append("")
        out.append(rate_table(results, "http", plan["http"], ("server", "requests"),
                              [("p99 latency", "p99_ms", " ms"), ("server CPU us/request", "server_cpu_us_per_request", "")],
                              missing["http"], failures))
        errors = ["%s: %s" % (label, r["errors"] or "%d non-2xx" % r["non2xx"])
                  for label, runs in results.get("http", {}).items() for r in runs if r["errors"] or r["non2xx"]]
        if errors:
            out.append("\nwrk reported errors: " + "; ".join(errors) + ".")
        out.append("")
    if "ws" in plan:
        out.append("\n### WebSocket echo\n")
        out.append("%d connections from one aio4j client JVM (`WsEchoLoad.java`), each sending a 32-byte text message "
                   "and waiting for its echo, permessage-deflate off; 2 s warm-up then %d s measured per run, a new "
                   "server and client per run; medians of %d runs (`http_bench.py --ws`).\n" % (
                       WS_CONNECTIONS, WS_SECONDS[quick], runs("ws")))
        out += ["- `%s`: %s" % (label, note) for label, _, note, _ in plan["ws"]]
        out.append("")
        out.append(rate_table(results, "ws", plan["ws"], ("server", "round trips"),
                              [("p50", "p50_ms", " ms"), ("p99", "p99_ms", " ms")], missing["ws"], failures))
        out.append("")
    if "http-client" in plan:
        n, c = HTTP_CLIENT[quick]
        out.append("\n### HTTP client\n")
        out.append("{:,} GET requests of a 13-byte body with {} in flight, by {} workers that each send their share "
                   "one after the other, after a warm-up round of {:,} in the same process; one process per client "
                   "and run, the clients' order rotated between rounds; medians of {} runs. The server is "
                   "`com.sun.net.httpserver` with a virtual thread per request in its own JVM, one for all runs "
                   "(`http_client_bench.py`).\n".format(n, c, c, n // 5, runs("http-client")))
        out += ["- `%s`: %s" % (label, re.sub(r"\bC\b", str(c), note))
                for label, _, note, _ in plan["http-client"]]
        out.append("")
        out.append(rate_table(results, "http-client", plan["http-client"], ("client", "requests"),
                              [("p50", "p50_ms", " ms"), ("p99", "p99_ms", " ms")], missing["http-client"], failures))
        out.append("")
    return "\n".join(out)


SUMMARY_ROWS = [
    # (title, workload, field)
    ("spawn, ns/task", "spawn", "value"),
    ("switch, ns/yield", "switch", "value"),
    ("queue ping-pong, ns/round trip", "pingpong", "value"),
    ("timers, ms over the ideal", "timers", "value"),
    ("idle memory, bytes RSS/task", "idle", "value"),
    ("peak RSS of the spawn run, MiB", "spawn", "peak_rss_mb"),
]


def summary_table(results, impls):
    names = [i.name for i in impls]
    out = ["| row | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for title, workload, field in SUMMARY_ROWS:
        rows = results.get(workload, {})
        if not rows:
            continue
        out.append("| %s | %s |" % (title, " | ".join(fmt_num(med(rows.get(n, []), field)) for n in names)))
    return "\n".join(out)


def fmt_num(v):
    if v is None:
        return "-"
    a = abs(v)
    if a >= 100:
        return "{:,.0f}".format(v)
    if a >= 10:
        return "%.1f" % v
    return "%.2f" % v


def median_of(runs):
    return statistics.median(r["value"] for r in runs)


def ratio(peer, own):
    if peer is None or own is None or own <= 0 or peer <= 0:
        return "-"
    return "%.2fx" % (peer / own)


def tables(results, impls, jobs):
    """Markdown tables: one per workload, implementations in a fixed order."""
    out = []
    for key, workload, wargs in jobs:
        if key.startswith("scale"):
            continue
        rows = results.get(key, {})
        if not rows:
            continue
        unit = next(iter(rows.values()))[0]["unit"]
        size = " x ".join("{:,}".format(a) for a in wargs[:2] if workload != "timers") or "{:,}".format(wargs[0])
        if workload == "timers":
            size = "{:,} sleeps up to {} ms".format(wargs[0], wargs[1])
        out.append("### %s (%s)\n" % (workload, size))
        out.append(WHAT[workload] + ".\n")
        base = {n: median_of(rows[n]) if n in rows else None for n in (ASYNCIO_313, UVLOOP)}
        extra = {"timers": " | late p50 / p99 (ms)", "idle": " | heap per task"}.get(workload, "")
        out.append("| implementation | median %s | min - max | vs asyncio 3.13 | vs uvloop%s |" % (unit, extra))
        out.append("|---|---:|---:|---:|---:%s|" % ("|---:" if extra else ""))
        for impl in impls:
            runs = rows.get(impl.name)
            if not runs:
                continue
            vals = [r["value"] for r in runs]
            m = statistics.median(vals)
            cells = [impl.name, fmt_num(m), "%s - %s" % (fmt_num(min(vals)), fmt_num(max(vals))),
                     "-" if impl.name == ASYNCIO_313 else ratio(base[ASYNCIO_313], m),
                     "-" if impl.name == UVLOOP else ratio(base[UVLOOP], m)]
            if workload == "timers":
                cells.append("%s / %s" % (fmt_num(statistics.median(r["late_p50_ms"] for r in runs)),
                                          fmt_num(statistics.median(r["late_p99_ms"] for r in runs))))
            elif workload == "idle":
                h = [r["heap_per_task"] for r in runs if "heap_per_task" in r]
                cells.append(fmt_num(statistics.median(h)) if h else "-")
            out.append("| " + " | ".join(cells) + " |")
        out.append("\nRatios are the peer's median over this row's median: above 1 means this row is "
                   "faster (or smaller). %d runs each.\n" % max(len(v) for v in rows.values()))
    return "\n".join(out)


TARGETS = [
    # (workload, description, peer, factor): own * factor <= peer
    ("switch", "switch at least 5x faster than CPython 3.13 asyncio", ASYNCIO_313, 5),
    ("switch", "switch at least 3x faster than uvloop", UVLOOP, 3),
    ("switch", "switch ahead of Node", "node", 1),
    ("spawn", "spawn at least 10x faster than CPython 3.13 asyncio", ASYNCIO_313, 10),
    ("spawn", "spawn ahead of plain virtual threads", "virtual threads", 1),
    ("pingpong", "queue ping-pong at least 5x faster than CPython 3.13 asyncio", ASYNCIO_313, 5),
    ("idle", "idle memory per waiting task no more than asyncio's", ASYNCIO_313, 1),
    ("timers", "timer overhead no worse than uvloop's", UVLOOP, 1),
]


# (workload, field, description, limit): aio4j's median <= limit (issue 17's targets)
ABSOLUTE_TARGETS = [
    ("spawn", "value", "spawn <= 250 ns/task", 250),
    ("switch", "value", "switch <= 120 ns/yield", 120),
    ("pingpong", "value", "queue ping-pong <= 500 ns/round trip", 500),
    ("timers", "value", "100k timers <= 100 ms over the ideal", 100),
    ("idle", "value", "idle memory <= 1,000 bytes RSS/task", 1000),
    ("spawn", "peak_rss_mb", "peak RSS of the spawn run <= 600 MiB", 600),
]


def target_lines(results):
    out = ["| target (carrier mode, medians) | aio4j | peer (absolute targets: %s) | needed | met? |" % FLOOR,
           "|---|---:|---:|---:|---|"]
    for workload, field, what, limit in ABSOLUTE_TARGETS:
        own = med(results.get(workload, {}).get("aio4j", []), field)
        floor = fmt_num(med(results.get(workload, {}).get(FLOOR, []), field))
        if own is None:
            out.append("| %s | - | %s | - | not measured |" % (what, floor))
        else:
            out.append("| %s | %s | %s | %s | %s |" % (what, fmt_num(own), floor, fmt_num(limit), "yes" if own <= limit
                                                      else "**no** (%.1fx over)" % (own / limit)))
    for workload, what, peer, factor in TARGETS:
        rows = results.get(workload, {})
        if "aio4j" not in rows or peer not in rows:
            out.append("| %s | - | - | - | not measured |" % what)
            continue
        own, other = median_of(rows["aio4j"]), median_of(rows[peer])
        need = other / factor
        met = own <= need
        verdict = "yes (%.2fx the peer)" % (other / own) if met else \
            "**no**: %.2fx the peer, needs %gx (%.1fx short)" % (other / own, factor, own / need)
        out.append("| %s | %s | %s | %s | %s |" % (what, fmt_num(own), fmt_num(other), fmt_num(need), verdict))
    return "\n".join(out)


def scale_points(results, jobs, args):
    """impl -> [(n, median ns per task)] from the scale runs and the spawn workload."""
    points = {}
    keys = [(k, wa[0]) for k, w, wa in jobs if k.startswith("scale")]
    keys += [("spawn", SIZES["spawn"][1 if args.quick else 0][0])]
    for key, n in keys:
        for impl, runs in results.get(key, {}).items():
            points.setdefault(impl, []).append((n, median_of(runs)))
    return {k: sorted(v) for k, v in points.items()}


def scale_table(points, impls):
    ns = sorted({n for v in points.values() for n, _ in v})
    if not ns:
        return ""
    out = ["| implementation | " + " | ".join("{:,} tasks".format(n) for n in ns) + " |",
           "|---|" + "---:|" * len(ns)]
    for impl in impls:
        if impl.name in points:
            d = dict(points[impl.name])
            out.append("| %s | %s |" % (impl.name, " | ".join(fmt_num(d.get(n)) for n in ns)))
    return "\n".join(out)


def plot(points, path, title):
    """Draws cost per task against the number of tasks with /usr/bin/python3's matplotlib."""
    code = r"""
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
points, path, title = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
for name, pts in points.items():
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    style = dict(linewidth=2.5) if name == "aio4j" else dict(linewidth=1.3)
    ax.plot(xs, ys, marker="o", label=name, **style)
ax.set_xscale("log"); ax.set_yscale("log")
ax.set_xlabel("tasks spawned (created, run to the end, awaited)")
ax.set_ylabel("ns per task (median)")
ax.set_title(title)
ax.grid(True, which="both", alpha=0.3)
ax.legend()
fig.tight_layout()
fig.savefig(path)
"""
    have = run_quiet([PY311, "-c", "import matplotlib"])[0] == 0
    if not have:
        why = apt_install("python3-matplotlib", "for the cost-per-task plot")
        if run_quiet([PY311, "-c", "import matplotlib"])[0] != 0:
            return why or "matplotlib missing"
    p = subprocess.run([PY311, "-c", code, json.dumps(points), path, title], capture_output=True, text=True)
    return None if p.returncode == 0 else "plot failed: " + p.stderr.strip()[-300:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__[__doc__.index("Workloads"):__doc__.index("\nThe peak resident")],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (about 12 minutes on a loaded 2-core machine)")
    ap.add_argument("--reps", type=int, default=3, help="runs of each pair (at least 3; default 3)")
    ap.add_argument("--only", help="comma-separated workloads: " + ",".join(WORKLOADS))
    ap.add_argument("--impls", help="comma-separated implementations to run")
    ap.add_argument("--java", help="the java binary (default: JAVA_HOME, then /usr/lib/jvm)")
    ap.add_argument("--timeout", type=int, default=None, help="seconds per run")
    ap.add_argument("--stop-after", type=float, default=None,
                    help="start no new run after this many minutes (the rest is reported as not run)")
    docs = ap.add_mutually_exclusive_group()
    docs.add_argument("--docs", dest="docs", action="store_true", default=None,
                      help="write docs/PERFORMANCE.md and the plot (default for full runs)")
    docs.add_argument("--no-docs", dest="docs", action="store_false")
    ap.add_argument("--command", help=argparse.SUPPRESS)  # the command line to record
    args = ap.parse_args()
    args.reps = max(3, args.reps)
    if args.timeout is None:
        args.timeout = 120 if args.quick else 600
    write_docs = (not args.quick) if args.docs is None else args.docs
    os.environ.setdefault("AIO4J_BENCH_WARMUP", "20000" if args.quick else "50000")
    command = args.command or " ".join(shlex.quote(a) for a in sys.argv)

    started = datetime.datetime.now(datetime.timezone.utc)
    only = args.only.split(",") if args.only else WORKLOADS
    unknown = [w for w in only if w not in WORKLOADS]
    if unknown:
        ap.error("unknown workload %s (known: %s)" % (", ".join(unknown), ",".join(WORKLOADS)))
    impls, skipped, versions = discover(args)
    for what, why in skipped:
        log("compare: skipping %s: %s" % (what, why))
    if not impls and not [w for w in only if w not in MICRO]:
        log("compare: nothing to run")
        return 1
    jobs = plan(args, impls)
    log("compare: %s run, %d workloads x %d implementations x %d repetitions: %s" % (
        "quick" if args.quick else "full", len(jobs), len(impls), args.reps, ", ".join(i.name for i in impls)))
    args.t0 = time.monotonic()
    cpu_share = CpuShare()
    results, failures = run_all(args, impls, jobs, cpu_share)
    quick = 1 if args.quick else 0
    java = find_java(args.java)[0]
    echo_list, loops_list = [], []
    if "echo" in only:
        echo_list, echo_skipped = echo_servers(args, java)
        skipped += echo_skipped
        log("compare: echo, servers: " + ", ".join(n for n, _, _ in echo_list))
        r, f = run_echo(args, echo_list, ECHO_CELLS[quick], ECHO_TIME[quick], (os.cpu_count() or 1) >= 2,
                        "echo", cpu_share)
        results.update(r)
        failures += f
    if "loops" in only:
        loops_list = loop_servers(java)
        log("compare: loops, servers: " + ", ".join(n for n, _, _ in loops_list))
        r, f = run_echo(args, loops_list, LOOPS_CELLS[quick], ECHO_TIME[quick], False, "loops", cpu_share)
        results.update(r)
        failures += f
    http_plan, wrk, http_skipped, http_missing = http_setup(args, java, only, versions)
    for what, why in http_skipped:
        log("compare: skipping %s: %s" % (what, why))
    skipped += http_skipped
    for workload, entries in http_plan.items():
        log("compare: %s: %s" % (workload, ", ".join(e[0] for e in entries) or "nothing to run"))
    r, f = run_http(args, java, http_plan, wrk, cpu_share)
    results.update(r)
    failures += f
    share, took = cpu_share.summary(), time.monotonic() - args.t0

    os.makedirs(OUT, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    points = scale_points(results, jobs, args)
    plot_path = os.path.join(ROOT, "docs", PLOT_NAME) if write_docs else os.path.join(OUT, "spawn-scaling-%s.png" % stamp)
    plot_error = plot(points, plot_path, "Cost per spawned task as the number of tasks grows") if points else "no spawn data"

    m = machine()
    lines = [BEGIN,
             "_Generated by `aio4j-bench/compare/compare.py`; edit the text around this block, not inside it._\n",
             "- Date: %s UTC (took %s)" % (started.strftime("%Y-%m-%d %H:%M"), fmt_duration(took)),
             "- Command: `%s`" % command,
             "- Machine: %s, %s cores, %s, %s" % (m.get("cpu"), m.get("cores"), m.get("memory", "?"), m.get("os")),
             "- Versions: " + "; ".join("%s: %s" % kv for kv in versions.items()),
             ]
    if jobs:  # the method of the rows above the echo ones
        lines.append(
            "- Method: every pair ran %d times in separate processes, in rounds over all workloads with the "
            "implementations alternating; medians. "
            "Each process first runs the same code as a warm-up (%s tasks or round trips, for idle in rounds "
            "of 10,000 waiting tasks; two rounds of up to 10,000 sleeps for timers); times are taken inside the program "
            "around the measured round (process start-up excluded)." % (
                args.reps, "{:,}".format(int(os.environ["AIO4J_BENCH_WARMUP"]))))
    lines.append(
        "- Other work on the machine: other processes used %.2f cores on average during the run "
        "(load average mean %.2f, max %.2f, on %s cores)%s." % (
            share["other_cores"], share["load_mean"], share["load_max"], m.get("cores"),
            ": the machine was shared, expect noise" if share["other_cores"] > 0.1 else ""))
    if jobs:
        lines += ["- `%s`: %s" % (impl.name, impl.note) for impl in impls]
    for what, why in skipped:
        lines.append("- Skipped %s: %s" % (what, why))
    for key, name, why in failures:
        lines.append("- Not complete: %s" % why if key == "*" else "- Failed %s on %s: %s" % (key, name, why))
    if jobs:
        lines.append("\n#### Summary (medians)\n")
        lines.append(summary_table(results, impls))
        lines.append("\n#### Targets\n")
        lines.append(target_lines(results))
        lines.append("")
    if echo_list:
        warm, secs = ECHO_TIME[quick]
        lines.append("\n### Echo through the C load generator\n")
        lines.append("Each server pinned to core 0 and `aio4j-net/bench/echo_load.c` (epoll, one message in "
                     "flight per connection) to core 1, on 127.0.0.1; %d s warm-up, %d s measured; medians of "
                     "msg/s and of p99 round-trip latency.\n" % (warm, secs))
        for name, _, note in echo_list:
            lines.append("- `%s`: %s" % (name, note))
        lines.append("")
        lines.append(echo_table(results, echo_list, ECHO_CELLS[quick], "echo"))
        lines.append("")
    if loops_list:
        lines.append("\n### Echo on a LoopGroup of 1 and 2 loops\n")
        lines.append("Nothing pinned: the servers and the load generator share the machine's %s cores. "
                     "\"server cores used\" is the server's CPU time over the measured window; \"CPU us/msg\" "
                     "is that time per echoed message; the generator's is its whole run's CPU over the messages it "
                     "would have echoed in that time at the measured rate.\n" % os.cpu_count())
        lines.append(loops_table(results, loops_list, LOOPS_CELLS[quick]))
        lines.append("")
    if http_plan:
        lines.append(http_sections(results, http_plan, http_missing, failures, quick, args.reps))
    lines.append(tables(results, impls, jobs))
    if points:
        lines.append("### Cost per task as the number of tasks grows (spawn)\n")
        lines.append(scale_table(points, impls))
        if plot_error:
            lines.append("\n(no plot: %s)" % plot_error)
        else:
            lines.append("\n![cost per task](%s)" % (PLOT_NAME if write_docs else os.path.relpath(plot_path, ROOT)))
    lines.append(END)
    block = "\n".join(lines) + "\n"

    base = os.path.join(OUT, "results-%s" % stamp)
    with open(base + ".json", "w") as f:
        json.dump({"date": started.isoformat(), "command": command, "machine": m, "versions": versions,
                   "share": share, "skipped": skipped, "failures": failures, "results": results}, f, indent=1)
    with open(base + ".md", "w") as f:
        f.write(block)
    print(block)
    if write_docs:
        write_doc(block)
        log("compare: wrote %s and docs/%s" % (os.path.relpath(DOC, ROOT), PLOT_NAME))
    log("compare: results in %s.{json,md}" % os.path.relpath(base, ROOT))
    return 0


def write_doc(block):
    text = ""
    if os.path.exists(DOC):
        with open(DOC) as f:
            text = f.read()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block.rstrip("\n") + tail
    else:
        text = (text or "# Performance\n\n") + "\n## Side by side with asyncio, uvloop, Node and virtual threads\n\n" + block
    with open(DOC, "w") as f:
        f.write(text)


if __name__ == "__main__":
    sys.exit(main())
