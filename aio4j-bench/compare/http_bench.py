#!/usr/bin/env python3
"""HTTP server side by side: wrk -t1 -c100 -d10s against a hello-world handler on aio4j's
HttpServer and its peers, one run each on this machine, reporting requests per second and the
99th-percentile latency.

    mvn -B -q -DskipTests package      (builds aio4j-examples/target/classpath.txt)
    /usr/bin/python3 aio4j-bench/compare/http_bench.py [--duration 10s] [--connections 100]
                                                         [--only aio4j,node,...]

Servers (each answers GET / with "Hello, world\\n" as text/plain):
  aio4j        dev.aio4j.examples.HttpHello, carrier mode
  aio4j-port.  the same in portable mode (no --add-opens)
  aiohttp      aiohttp.web (Debian's python3-aiohttp) on the default asyncio loop
  uvicorn      a bare ASGI app under uvicorn (python3-uvicorn), access log off
  node         Node's http module
  jdk-vt       com.sun.net.httpserver with a virtual thread per exchange (VtHttpServer.java)

Each server gets a 3-second wrk warm-up (JIT) before its measured run. --pin puts the server on
CPU 0 and wrk on CPU 1 (taskset). The load average is printed before and after: on a shared
machine, read the numbers as one sample. Without aio4j-examples' build, the aio4j programs run
from aio4j-bench/target/benchmarks.jar (the launcher compiles HttpHello's source at start).

compare.py (./aio4j bench compare --only http,ws) runs these same servers and load through the
functions below, several rounds with the order rotated, and reports medians.

--ws instead measures WebSocket echo round trips per second: 100 connections (--connections),
each sending a 32-byte text message and waiting for its echo, driven by an aio4j client
(WsEchoLoad.java: 2 s warm-up, then --duration) against an aio4j server (WsEchoServer.java) and
Python's websockets (python3-websockets) echo server.
"""

import argparse
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = "/usr/bin/python3"

AIOHTTP_APP = """
import sys
from aiohttp import web
async def hello(request):
    return web.Response(text="Hello, world\\n")
app = web.Application()
app.router.add_get("/", hello)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=lambda *a: None)
"""

ASGI_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": b"Hello, world\\n"})
"""

NODE_APP = """
const http = require("http");
const body = "Hello, world\\n";
http.createServer((req, res) => {
  res.writeHead(200, {"Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body)});
  res.end(body);
}).listen(Number(process.argv[2]), "127.0.0.1");
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not listen on %d" % port)


@contextlib.contextmanager
def serving(command, port, seconds=60):
    """Runs a server until the block ends; waits until it listens on port."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, proc, seconds)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


HELLO_SRC = os.path.join(ROOT, "aio4j-examples", "src", "main", "java", "dev", "aio4j", "examples", "HttpHello.java")
BENCH_JAR = os.path.join(ROOT, "aio4j-bench", "target", "benchmarks.jar")
OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED"

# name -> (label, what runs), for the tables
SERVERS = {
    "aio4j": ("aio4j (carrier)", "the HttpHello example (Router, a task per request, access log off), carrier mode"),
    "aio4j-portable": ("aio4j (portable)", "the same in portable mode"),
    "aiohttp": ("aiohttp.web", "aiohttp.web.Application on asyncio's default loop, access log off"),
    "uvicorn": ("uvicorn (bare ASGI)", "a bare ASGI app under uvicorn, access log off"),
    "node": ("Node http", "Node's http module"),
    "jdk-vt": ("JDK HttpServer + virtual threads",
               "com.sun.net.httpserver with a virtual thread per exchange (VtHttpServer.java)"),
}
WS_SERVERS = {
    "aio4j": ("aio4j Router.webSocket (carrier)", "WsEchoServer.java: Router.webSocket, echo each message"),
    "websockets": ("Python websockets", "websockets.serve on asyncio's default loop (Debian's CPython)"),
}


def aio4j_classpath():
    """(classpath, HttpHello's main): aio4j-examples' build when there is one, else the bench jar,
    which holds aio4j but not the examples, so the launcher compiles HttpHello.java (and the
    example sources it uses) at start."""
    cp_file = os.path.join(ROOT, "aio4j-examples", "target", "classpath.txt")
    if os.path.exists(cp_file) or not os.path.exists(BENCH_JAR):
        with open(cp_file) as f:
            cp = f.read().strip() + ":" + os.path.join(ROOT, "aio4j-examples", "target", "classes")
        return cp, "dev.aio4j.examples.HttpHello"
    return BENCH_JAR, HELLO_SRC


def servers(tmp, java, cp, hello, node="node"):
    """name -> (port -> the command that serves hello-world on it)."""
    for name, src in (("aiohttp_app.py", AIOHTTP_APP), ("asgi_app.py", ASGI_APP), ("node_app.js", NODE_APP)):
        with open(os.path.join(tmp, name), "w") as f:
            f.write(src)
    return {
        "aio4j": lambda p: [java, OPENS, "-Daio4j.quiet=true", "-cp", cp, hello, "--port", str(p)],
        "aio4j-portable": lambda p: [java, "-Daio4j.quiet=true", "-cp", cp, hello, "--port", str(p)],
        "aiohttp": lambda p: [PY, os.path.join(tmp, "aiohttp_app.py"), str(p)],
        "uvicorn": lambda p: [PY, "-m", "uvicorn", "--app-dir", tmp, "asgi_app:app", "--host", "127.0.0.1",
                              "--port", str(p), "--no-access-log", "--log-level", "warning"],
        "node": lambda p: [node, os.path.join(tmp, "node_app.js"), str(p)],
        "jdk-vt": lambda p: [java, os.path.join(HERE, "VtHttpServer.java"), str(p)],
    }


def cpu_seconds(pid):
    """User + system CPU time of a process and its threads so far, from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk_run(command, wrk, connections, warmup, duration, on_server=(), on_client=()):
    """Starts a server, runs wrk for `warmup` seconds (JIT), then `duration` seconds measured.
    Returns requests/s, p99 in ms, wrk's socket errors, non-2xx responses and the server's CPU
    seconds per request over the measured run."""
    port = free_port()
    with serving(list(on_server) + command(port), port) as proc:
        url = "http://127.0.0.1:%d/" % port
        wrk = list(on_client) + [wrk, "-t1", "-c%d" % connections]
        subprocess.run(wrk + ["-d%ds" % warmup, url], capture_output=True, check=True, timeout=warmup + 60)
        cpu0 = cpu_seconds(proc.pid)
        out = subprocess.run(wrk + ["-d%ds" % duration, "--latency", url],
                             capture_output=True, text=True, check=True, timeout=duration + 60).stdout
        cpu = cpu_seconds(proc.pid) - cpu0
    rps, p99, errors, non2xx = parse_wrk(out)
    return {"rps": rps, "p99_ms": p99, "errors": errors, "non2xx": non2xx,
            "server_cpu_us_per_request": cpu * 1e6 / (rps * duration) if rps else None}


def parse_wrk(out):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, (errors.group(1) if errors else ""), (int(non2xx.group(1)) if non2xx else 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", default="10s")
    ap.add_argument("--connections", type=int, default=100)
    ap.add_argument("--only", default="")
    ap.add_argument("--pin", action="store_true")
    ap.add_argument("--ws", action="store_true")
    ap.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"),
                                                   "bin", "java"))
    args = ap.parse_args()
    if args.ws:
        return ws_main(args)
    wrk = shutil.which("wrk") or sys.exit("wrk is missing: apt-get install wrk")
    tmp = tempfile.mkdtemp(prefix="aio4j-http-bench")
    table = servers(tmp, args.java, *aio4j_classpath())
    names = [n for n in table if not args.only or n in args.only.split(",")]
    taskset = shutil.which("taskset") if args.pin else None
    on_server = [taskset, "-c", "0"] if taskset else []
    on_client = [taskset, "-c", "1"] if taskset else []
    seconds = int(args.duration.rstrip("s"))
    print("load before: %s" % open("/proc/loadavg").read().strip())
    rows = []
    for name in names:
        r = wrk_run(table[name], wrk, args.connections, 3, seconds, on_server, on_client)
        rows.append((name, r["rps"], r["p99_ms"]))
        print("%-15s %10.0f req/s   p99 %8.2f ms   %s%s" % (name, r["rps"], r["p99_ms"], r["errors"],
              (" non-2xx=%d" % r["non2xx"]) if r["non2xx"] else ""), flush=True)
    print("load after: %s" % open("/proc/loadavg").read().strip())
    print()
    print("| server | requests/s | p99 latency |")
    print("|---|---:|---:|")
    for name, rps, p99 in rows:
        print("| %s | %s | %.2f ms |" % (name, format(int(rps), ","), p99))


WS_ECHO_PY = """
import asyncio, sys, websockets
async def echo(ws, path=None):
    async for m in ws:
        await ws.send(m)
async def main():
    async with websockets.serve(echo, "127.0.0.1", int(sys.argv[1]), max_size=None):
        await asyncio.Future()
asyncio.run(main())
"""


def ws_servers(tmp, java, cp):
    """name -> (port -> the command that serves WebSocket echo on it)."""
    with open(os.path.join(tmp, "ws_echo.py"), "w") as f:
        f.write(WS_ECHO_PY)
    return {
        "aio4j": lambda p: [java, OPENS, "-Daio4j.quiet=true", "-cp", cp, os.path.join(HERE, "WsEchoServer.java"),
                            str(p)],
        "websockets": lambda p: [PY, os.path.join(tmp, "ws_echo.py"), str(p)],
    }


def ws_run(command, java, cp, connections, seconds):
    """Starts a WebSocket echo server and drives it with WsEchoLoad.java (2 s warm-up, then
    `seconds`): round trips/s and the p50/p99 round-trip time in ms."""
    port = free_port()
    with serving(command(port), port):
        out = subprocess.run([java, OPENS, "-Daio4j.quiet=true", "-cp", cp, os.path.join(HERE, "WsEchoLoad.java"),
                              "ws://127.0.0.1:%d/" % port, str(connections), "%g" % seconds],
                             capture_output=True, text=True, timeout=seconds + 120)
    m = re.search(r"round trips/s ([\d.]+) p50 ([\d.]+) ms p99 ([\d.]+) ms", out.stdout)
    if out.returncode != 0 or not m:
        raise RuntimeError("WsEchoLoad: exit %d: %s" % (out.returncode, (out.stderr.strip() or out.stdout.strip())[-300:]))
    return {"rps": float(m.group(1)), "p50_ms": float(m.group(2)), "p99_ms": float(m.group(3))}


def ws_main(args):
    tmp = tempfile.mkdtemp(prefix="aio4j-ws-bench")
    cp = aio4j_classpath()[0]
    table = ws_servers(tmp, args.java, cp)
    seconds = float(args.duration.rstrip("s"))
    print("load before: %s" % open("/proc/loadavg").read().strip())
    for name, cmd in table.items():
        if args.only and name not in args.only.split(","):
            continue
        try:
            r = ws_run(cmd, args.java, cp, args.connections, seconds)
            print("%-12s round trips/s %.0f p50 %.3f ms p99 %.3f ms" % (name, r["rps"], r["p50_ms"], r["p99_ms"]),
                  flush=True)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            print("%-12s %s" % (name, e), flush=True)
    print("load after: %s" % open("/proc/loadavg").read().strip())


if __name__ == "__main__":
    main()
