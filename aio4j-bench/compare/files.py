#!/usr/bin/env python3
"""Reading files: aio4j's file API against Python's aiofiles and plain Files.readAllBytes on one
platform thread.

    mvn -B -q -pl aio4j-bench -am package -Dmaven.test.skip=true
    python3 aio4j-bench/compare/files.py [--reps N] [--dir DIR]

Workloads: 1,000 files of 64 KiB read all at once ("many"), one file of 1 GiB read whole
("whole"), in 1 MiB reads that each return a new array ("chunks"), and into one reused 1 MiB
buffer ("into": AsyncFile.readInto, aiofiles readinto, an InputStream). The files are written first and stay in the page cache
(a warm cache: this measures the cost of the API and its threads, not the disk). Every
(workload, implementation) pair runs --reps times (default 3) in separate processes, the
implementations alternating; each process warms up with one round; the median is reported as a
Markdown table.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
JAR = os.path.join(os.path.dirname(HERE), "target", "benchmarks.jar")
PY = "/usr/bin/python3"


def prepare(root):
    many = os.path.join(root, "many")
    big = os.path.join(root, "big.bin")
    if not os.path.isdir(many):
        os.makedirs(many)
        block = os.urandom(64 * 1024)
        for i in range(1000):
            with open(os.path.join(many, "f%04d" % i), "wb") as f:
                f.write(block)
    if not os.path.exists(big) or os.path.getsize(big) != 1 << 30:
        block = os.urandom(1 << 20)
        with open(big, "wb") as f:
            for _ in range(1024):
                f.write(block)
    return {"many": many, "whole": big, "chunks": big, "into": big}


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise SystemExit("%s failed: %s" % (" ".join(argv), p.stderr.strip()[-500:]))
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "aio4j-files-bench"))
    ap.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"))
    args = ap.parse_args()
    paths = prepare(args.dir)
    impls = {
        "aio4j": [args.java, "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Daio4j.quiet=true", "-cp", JAR,
                  "dev.aio4j.bench.compare.FileWorkloads", "aio4j"],
        "aiofiles": [PY, os.path.join(HERE, "files_aiofiles.py")],
        "plain": [args.java, "-Daio4j.quiet=true", "-cp", JAR, "dev.aio4j.bench.compare.FileWorkloads", "plain"],
    }
    results = {}
    for rep in range(args.reps):
        for workload, path in paths.items():
            order = list(impls.items())
            order = order[rep % len(order):] + order[:rep % len(order)]
            for key, argv in order:
                r = run(argv + [workload, path])
                results.setdefault((workload, key), []).append(r)
                print("%-7s %-9s %8.1f ms  %7.0f MB/s  (%s)" % (workload, key, r["value"], r["mb_per_s"], r["impl"]),
                      file=sys.stderr, flush=True)
    print("| workload | implementation | median ms | MB/s | runs (ms) |")
    print("|---|---|---:|---:|---|")
    what = {"many": "1,000 files of 64 KiB, all at once", "whole": "1 GiB, one read into one array",
            "chunks": "1 GiB in 1 MiB reads, a new array each", "into": "1 GiB read into one 1 MiB buffer"}
    for workload in paths:
        for key in impls:
            rs = results[(workload, key)]
            ms = statistics.median(r["value"] for r in rs)
            mbs = statistics.median(r["mb_per_s"] for r in rs)
            print("| %s | %s | %.0f | %.0f | %s |" % (what[workload], rs[0]["impl"], ms, mbs,
                                                    ", ".join("%.0f" % r["value"] for r in rs)))


if __name__ == "__main__":
    main()
