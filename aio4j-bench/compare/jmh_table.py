#!/usr/bin/env python3
"""Turns a JMH JSON result file into a Markdown table, carrier and portable mode side by side.

    java -jar aio4j-bench/target/benchmarks.jar Core -rf json -rff core.json
    python3 aio4j-bench/compare/jmh_table.py core.json

Average-time benchmarks show the score and its 99.9% error; sample-time benchmarks show p50,
p99 and p99.9. Parameters other than "mode" become part of the row's name.
"""

import json
import sys


def fmt(v):
    if v is None or v != v:  # None or NaN
        return "-"
    a = abs(v)
    if a >= 100:
        return "{:,.0f}".format(v)
    if a >= 10:
        return "%.1f" % v
    return "%.2f" % v


def rows(results):
    table = {}  # (name, kind) -> mode -> text
    order = []
    for r in results:
        bench = r["benchmark"].rsplit(".", 2)
        name = ".".join(bench[-2:])
        params = dict(r.get("params") or {})
        mode = params.pop("mode", "-")
        if params:
            name += " (" + ", ".join("%s=%s" % kv for kv in sorted(params.items())) + ")"
        m = r["primaryMetric"]
        unit = m["scoreUnit"]
        if r["mode"] == "sample":
            p = m.get("scorePercentiles", {})
            text = "%s / %s / %s" % (fmt(p.get("50.0")), fmt(p.get("99.0")), fmt(p.get("99.9")))
            key = (name, "p50 / p99 / p99.9 " + unit)
        else:
            err = m.get("scoreError")
            text = fmt(m["score"]) + ("" if err is None or err != err else " ± " + fmt(err))
            key = (name, unit)
        if key not in table:
            table[key] = {}
            order.append(key)
        table[key][mode] = text
    return table, order


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0]) as f:
        results = json.load(f)
    table, order = rows(results)
    modes = sorted({m for v in table.values() for m in v})
    print("| benchmark | unit | " + " | ".join(modes) + " |")
    print("|---|---|" + "---:|" * len(modes))
    for key in order:
        print("| %s | %s | %s |" % (key[0], key[1], " | ".join(table[key].get(m, "-") for m in modes)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
