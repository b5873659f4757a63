#!/usr/bin/env python3
"""HTTP client side by side: N GET requests with C in flight against one local server, by C
workers that each send N/C requests one after the other (every client the same way), after a
warm-up round of N/5.

    python3 aio4j-bench/compare/http_client_bench.py [--requests 10000] [--concurrency 100]
        [--reps 3] [--server jdk|aiohttp] [--impls aio4j,aio4j-portable,threads,aiohttp,httpx]

Clients: aio4j's HttpSession (carrier and portable mode), the JDK's HttpClient.send on virtual
threads, aiohttp's ClientSession (TCPConnector(limit=C)), httpx's AsyncClient
(Limits(max_connections=C)). Servers: com.sun.net.httpserver with a virtual thread per request
(jdk, the default) or aiohttp.web; both answer "Hello, World!".

Needs aio4j-bench/target/benchmarks.jar (mvn -pl aio4j-bench -am package -Dmaven.test.skip=true)
and Debian's python3-aiohttp and python3-httpx for /usr/bin/python3. Each (client, round) runs in
its own process, the clients alternating within each round; the median of the rounds is reported.
Writes aio4j-bench/target/compare/http-client-<time>.json and .md.

compare.py (./aio4j bench compare --only http-client) runs the same server and clients through
start_server and run_client below, against the jdk server.
"""

import argparse
import asyncio
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
JAR = os.path.join(BENCH, "target", "benchmarks.jar")
OUT = os.path.join(BENCH, "target", "compare")
OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED"
MAIN = "dev.aio4j.bench.compare.HttpClientBench"
PY = "/usr/bin/python3"

# name -> (label, what runs), for the tables
CLIENTS = {
    "aio4j": ("aio4j HttpSession", "HttpSession with limit(C), carrier mode"),
    "aio4j-portable": ("aio4j HttpSession (portable)", "the same in portable mode"),
    "threads": ("HttpClient on virtual threads", "the JDK's HttpClient.send (HTTP/1.1) on C virtual threads"),
    "aiohttp": ("aiohttp ClientSession", "aiohttp's ClientSession with TCPConnector(limit=C)"),
    "httpx": ("httpx AsyncClient", "httpx's AsyncClient with Limits(max_connections=C)"),
}


# ---------------------------------------------------------------- the Python clients and server

def report(impl, n, c, seconds, latencies):
    latencies.sort()
    print(json.dumps({"impl": impl, "workload": "http_client", "n": n, "concurrency": c, "seconds": seconds,
                      "rps": n / seconds, "p50_ms": latencies[len(latencies) // 2] * 1e3,
                      "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99 + 0.999) - 1)] * 1e3}),
          flush=True)


async def workers(n, c, one):
    latencies = [0.0] * n

    async def worker(first):
        for i in range(first, n, c):
            t0 = time.perf_counter()
            await one()
            latencies[i] = time.perf_counter() - t0

    await asyncio.gather(*(worker(w) for w in range(c)))
    return latencies


async def aiohttp_client(url, n, c):
    import aiohttp
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=c)) as session:
        async def one():
            async with session.get(url) as r:
                await r.read()
        await workers(n // 5, c, one)
        t0 = time.perf_counter()
        latencies = await workers(n, c, one)
        report("aiohttp ClientSession", n, c, time.perf_counter() - t0, latencies)


async def httpx_client(url, n, c):
    import httpx
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=c, max_keepalive_connections=c)) as client:
        async def one():
            r = await client.get(url)
            r.read()
        await workers(n // 5, c, one)
        t0 = time.perf_counter()
        latencies = await workers(n, c, one)
        report("httpx AsyncClient", n, c, time.perf_counter() - t0, latencies)


async def aiohttp_server():
    from aiohttp import web

    async def hello(request):
        return web.Response(text="Hello, World!")

    app = web.Application()
    app.add_routes([web.get("/", hello)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    print("PORT %d" % site._server.sockets[0].getsockname()[1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


# ---------------------------------------------------------------- the runner

def start_server(kind, java):
    if kind == "jdk":
        cmd = [java, "-cp", JAR, MAIN, "server"]
    else:
        cmd = [PY, os.path.abspath(__file__), "server"]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if not line.startswith("PORT "):
        p.kill()
        p.wait()
        raise RuntimeError("the %s server did not start: %r" % (kind, line))
    return p, int(line.split()[1])


def stop_server(p):
    p.stdin.close()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def client_command(impl, java, url, n, c):
    return {
        "aio4j": [java, OPENS, "-Daio4j.quiet=true", "-cp", JAR, MAIN, "aio4j", url, str(n), str(c)],
        "aio4j-portable": [java, "-Daio4j.quiet=true", "-cp", JAR, MAIN, "aio4j", url, str(n), str(c)],
        "threads": [java, "-cp", JAR, MAIN, "threads", url, str(n), str(c)],
        "aiohttp": [PY, os.path.abspath(__file__), "client", "aiohttp", url, str(n), str(c)],
        "httpx": [PY, os.path.abspath(__file__), "client", "httpx", url, str(n), str(c)],
    }[impl]


def run_client(impl, java, url, n, c, timeout=600):
    """One client process, warm-up and measured round: its JSON line as a dict."""
    out = subprocess.run(client_command(impl, java, url, n, c), capture_output=True, text=True, timeout=timeout)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError("exit %d: %s" % (out.returncode, (out.stderr or out.stdout).strip()[-2000:]))
    return json.loads(lines[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=100)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--server", choices=["jdk", "aiohttp"], default="jdk")
    ap.add_argument("--impls", default="aio4j,aio4j-portable,threads,aiohttp,httpx")
    ap.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java"))
    args = ap.parse_args()
    if not os.path.exists(JAR):
        sys.exit("%s is missing: mvn -B -q -pl aio4j-bench -am package -Dmaven.test.skip=true" % JAR)
    impls = args.impls.split(",")
    try:
        server, port = start_server(args.server, args.java)
    except RuntimeError as e:
        sys.exit(str(e))
    url = "http://127.0.0.1:%d/" % port
    results = {impl: [] for impl in impls}
    try:
        for rep in range(args.reps):
            order = impls[rep % len(impls):] + impls[:rep % len(impls)]
            for impl in order:
                try:
                    r = run_client(impl, args.java, url, args.requests, args.concurrency)
                except (RuntimeError, subprocess.TimeoutExpired) as e:
                    print("%s failed: %s" % (impl, e), file=sys.stderr)
                    continue
                results[impl].append(r)
                print("round %d  %-32s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms" % (
                    rep + 1, r["impl"], r["rps"], r["p50_ms"], r["p99_ms"]), flush=True)
    finally:
        stop_server(server)
    load = os.getloadavg()
    rows = []
    for impl in impls:
        rs = results[impl]
        if not rs:
            continue
        med = sorted(rs, key=lambda r: r["rps"])[len(rs) // 2]
        rows.append((med["impl"], statistics.median(r["rps"] for r in rs), med["p50_ms"], med["p99_ms"], len(rs)))
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    md = ["%d GET requests, %d in flight, against %s on 127.0.0.1; median of %d rounds; load average %.1f %.1f %.1f"
          % (args.requests, args.concurrency, "com.sun.net.httpserver (virtual threads)" if args.server == "jdk"
             else "aiohttp.web", args.reps, *load), "",
          "| client | requests/s | p50 | p99 |", "|---|---:|---:|---:|"]
    for impl, rps, p50, p99, n in rows:
        md.append("| %s | %s | %.2f ms | %.2f ms |" % (impl, format(round(rps), ","), p50, p99))
    print("\n".join(md))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "http-client-%s.json" % stamp), "w") as f:
        json.dump({"server": args.server, "requests": args.requests, "concurrency": args.concurrency,
                   "load": load, "results": results}, f, indent=1)
    with open(os.path.join(OUT, "http-client-%s.md" % stamp), "w") as f:
        f.write("\n".join(md) + "\n")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "client":
        kind, url, n, c = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        asyncio.run(aiohttp_client(url, n, c) if kind == "aiohttp" else httpx_client(url, n, c))
    elif len(sys.argv) > 1 and sys.argv[1] == "server":
        asyncio.run(aiohttp_server())
    else:
        main()
