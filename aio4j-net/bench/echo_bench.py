#!/usr/bin/env python3
"""Echo throughput and latency: aio4j (streams, and streams with readInto) vs CPython asyncio
(streams and Protocol), uvloop and virtual threads.

Each server runs pinned to core 0, the C load generator (echo_load.c) to core 1, both on
127.0.0.1. For every message size and connection count the servers take turns; each run is
WARMUP s unmeasured then SECONDS s measured; one message in flight per connection.

  python3 aio4j-net/bench/echo_bench.py [--seconds 3] [--quick] [--only 'aio4j (carrier),asyncio protocol']
                                        [--sizes 102400]

Needs: the examples built (./aio4j example EchoServer builds them, or mvn install), gcc,
/usr/bin/python3 with uvloop (Debian: python3-uvloop).
"""
import argparse, os, re, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
PY_ECHO = os.path.join(ROOT, 'aio4j-bench', 'compare', 'echo_server.py')


def java_home():
    jh = os.environ.get('JAVA_HOME')
    if jh and os.path.exists(os.path.join(jh, 'bin', 'java')):
        return jh
    return '/usr/lib/jvm/temurin-25-jdk-amd64'


def servers():
    java = os.path.join(java_home(), 'bin', 'java')
    cp = open(os.path.join(ROOT, 'aio4j-examples/target/classpath.txt')).read().strip()
    cp += ':' + os.path.join(ROOT, 'aio4j-examples/target/classes')
    return {
        'aio4j (carrier)': [java, '--add-opens', 'java.base/java.lang=ALL-UNNAMED', '-cp', cp,
                            'dev.aio4j.examples.EchoServer', '--port', '0'],
        'aio4j (portable)': [java, '-cp', cp, 'dev.aio4j.examples.EchoServer', '--port', '0'],
        'aio4j readInto': [java, '--add-opens', 'java.base/java.lang=ALL-UNNAMED', '-cp', cp,
                           'dev.aio4j.examples.EchoServer', '--port', '0', '--read-into'],
        'asyncio 3.11': ['/usr/bin/python3', PY_ECHO, '--streams'],
        'asyncio protocol': ['/usr/bin/python3', PY_ECHO],
        'uvloop 0.17': ['/usr/bin/python3', PY_ECHO, '--streams', '--uvloop'],
        'virtual threads': [java, os.path.join(HERE, 'VtEchoServer.java')],
    }


def start(cmd):
    p = subprocess.Popen(['taskset', '-c', '0'] + cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = p.stdout.readline()
        m = re.search(r'listening on [^:]+:(\d+)', line or '')
        if m:
            return p, int(m.group(1))
    p.kill()
    raise RuntimeError('server did not start: %s' % cmd)


def load(loadgen, port, conns, size, seconds, warmup):
    out = subprocess.run(['taskset', '-c', '1', loadgen, '127.0.0.1', str(port), str(conns), str(size),
                          str(seconds), str(warmup)], capture_output=True, text=True, timeout=seconds + warmup + 60)
    if out.returncode != 0:
        return None
    return dict((k, float(v)) for k, v in re.findall(r'(\w+)=([\d.]+)', out.stdout))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=float, default=3)
    ap.add_argument('--warmup', type=float, default=2)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--only', help='comma-separated server names (default: all)')
    ap.add_argument('--sizes', help='comma-separated message sizes in bytes (default: 1024,10240,102400)')
    args = ap.parse_args()
    loadgen = '/tmp/aio4j_echo_load'
    subprocess.run(['gcc', '-O2', '-o', loadgen, os.path.join(HERE, 'echo_load.c')], check=True)
    sizes = [1024, 10240, 102400]
    conns = [10, 100]
    if args.quick:
        sizes, conns = [1024], [100]
    if args.sizes:
        sizes = [int(x) for x in args.sizes.split(',')]
    srv = servers()
    if args.only:
        srv = {k: v for k, v in srv.items() if k in args.only.split(',')}
    rows = []
    for size in sizes:
        for c in conns:
            for name, cmd in srv.items():
                p, port = start(cmd)
                try:
                    r = load(loadgen, port, c, size, args.seconds, args.warmup)
                finally:
                    p.kill()
                    p.wait()
                rows.append((size, c, name, r))
                if r:
                    print('%7d B %4d conns  %-17s %9.0f msg/s %8.1f MiB/s  p50 %6d us  p99 %6d us'
                          % (size, c, name, r['msgs_per_s'], r['mib_per_s'], r['p50_us'], r['p99_us']), flush=True)
                else:
                    print('%7d B %4d conns  %-17s failed' % (size, c, name), flush=True)
    print()
    print('| size | conns | server | msg/s | MiB/s | p50 us | p99 us |')
    print('|---:|---:|---|---:|---:|---:|---:|')
    for size, c, name, r in rows:
        if r:
            print('| %d KiB | %d | %s | %.0f | %.1f | %d | %d |' % (size // 1024, c, name, r['msgs_per_s'],
                                                                  r['mib_per_s'], r['p50_us'], r['p99_us']))


if __name__ == '__main__':
    main()
