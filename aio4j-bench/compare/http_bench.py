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
machine, read the numbers as one sample.

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


def servers(tmp, java):
    cp_file = os.path.join(ROOT, "aio4j-examples", "target", "classpath.txt")
    cp = open(cp_file).read().strip() + ":" + os.path.join(ROOT, "aio4j-examples", "target", "classes")
    opens = "--add-opens=java.base/java.lang=ALL-UNNAMED"
    for name, src in (("aiohttp_app.py", AIOHTTP_APP), ("asgi_app.py", ASGI_APP), ("node_app.js", NODE_APP)):
        with open(os.path.join(tmp, name), "w") as f:
            f.write(src)
    return {
        "aio4j": lambda p: [java, opens, "-cp", cp, "dev.aio4j.examples.HttpHello", "--port", str(p)],
        "aio4j-portable": lambda p: [java, "-cp", cp, "dev.aio4j.examples.HttpHello", "--port", str(p)],
        "aiohttp": lambda p: [PY, os.path.join(tmp, "aiohttp_app.py"), str(p)],
        "uvicorn": lambda p: [PY, "-m", "uvicorn", "--app-dir", tmp, "asgi_app:app", "--host", "127.0.0.1",
                              "--port", str(p), "--no-access-log", "--log-level", "warning"],
        "node": lambda p: ["node", os.path.join(tmp, "node_app.js"), str(p)],
        "jdk-vt": lambda p: [java, os.path.join(HERE, "VtHttpServer.java"), str(p)],
    }


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
    wrk = shutil.which("wrk") or sys.exit("wrk is missing: apt-get install wrk")
    tmp = tempfile.mkdtemp(prefix="aio4j-http-bench")
    table = servers(tmp, args.java)
    names = [n for n in table if not args.only or n in args.only.split(",")]
    if args.ws:
        return ws_main(args)
    taskset = shutil.which("taskset") if args.pin else None
    on_server = [taskset, "-c", "0"] if taskset else []
    on_client = [taskset, "-c", "1"] if taskset else []
    print("load before: %s" % open("/proc/loadavg").read().strip())
    rows = []
    for name in names:
        port = free_port()
        with serving(on_server + table[name](port), port):
            url = "http://127.0.0.1:%d/" % port
            subprocess.run(on_client + [wrk, "-t1", "-c%d" % args.connections, "-d3s", url], capture_output=True, check=True)
            out = subprocess.run(on_client + [wrk, "-t1", "-c%d" % args.connections, "-d" + args.duration, "--latency", url],
                                 capture_output=True, text=True, check=True).stdout
            rps, p99, errors, non2xx = parse_wrk(out)
            rows.append((name, rps, p99, errors, non2xx))
            print("%-15s %10.0f req/s   p99 %8.2f ms   %s%s" % (name, rps, p99, errors,
                  (" non-2xx=%d" % non2xx) if non2xx else ""), flush=True)
    print("load after: %s" % open("/proc/loadavg").read().strip())
    print()
    print("| server | requests/s | p99 latency |")
    print("|---|---:|---:|")
    for name, rps, p99, errors, non2xx in rows:
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


def ws_main(args):
    tmp = tempfile.mkdtemp(prefix="aio4j-ws-bench")
    cp = open(os.path.join(ROOT, "aio4j-examples", "target", "classpath.txt")).read().strip() + ":" + \
        os.path.join(ROOT, "aio4j-examples", "target", "classes")
    opens = "--add-opens=java.base/java.lang=ALL-UNNAMED"
    with open(os.path.join(tmp, "ws_echo.py"), "w") as f:
        f.write(WS_ECHO_PY)
    table = {
        "aio4j": lambda p: [args.java, opens, "-cp", cp, os.path.join(HERE, "WsEchoServer.java"), str(p)],
        "websockets": lambda p: [PY, os.path.join(tmp, "ws_echo.py"), str(p)],
    }
    seconds = args.duration.rstrip("s")
    print("load before: %s" % open("/proc/loadavg").read().strip())
    for name, cmd in table.items():
        if args.only and name not in args.only.split(","):
            continue
        port = free_port()
        with serving(cmd(port), port):
            out = subprocess.run([args.java, opens, "-cp", cp, os.path.join(HERE, "WsEchoLoad.java"),
                                  "ws://127.0.0.1:%d/" % port, str(args.connections), seconds],
                                 capture_output=True, text=True, timeout=300)
            print("%-12s %s" % (name, (out.stdout.strip() or out.stderr.strip()[-300:])), flush=True)
    print("load after: %s" % open("/proc/loadavg").read().strip())


if __name__ == "__main__":
    main()
