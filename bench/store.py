#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/store helpers.

  store.py week LEGACY.json HARDENED.json HOSTS STARTED OUT.json
      One week's scan of HOSTS hosts (10.x.y.z) made of the two real lab hosts: one host in four is the
      legacy DC, the rest the hardened one. `legacyscan import` then writes it through the real path.
  store.py fill STORE.db WEEKS COPIES
      Makes run 1 COPIES times larger (its hosts again under other names) and copies it into WEEKS-1
      later weekly runs, one legacy host in 52 fixed per week (each failing term of it passes from then
      on), so history has a year of changes to count. The copies keep index and terms; their result
      column is '{}' (history reads none); each run's counts (run_counts) are counted from the rows.
  store.py scale OUT
      The scale benchmark without a store and with each store (bench/run with BENCH_SCALE_STORES; raw
      outputs OUT/b3store-SIZE-KIND-RUN.*) as a markdown table: per size and store, the median wall time,
      what the store adds to the run without one, CPU, peak RSS, the output check and the hosts stored.
"""
import datetime
import glob
import json
import os
import re
import sqlite3
import statistics
import sys


def week(legacy_path, hardened_path, hosts, started, out_path):
    legacy = json.load(open(legacy_path))
    hardened = json.load(open(hardened_path))
    doc = {k: v for k, v in hardened.items() if k != "hosts"}
    doc["started"] = started
    doc["finished"] = started
    out = []
    for i in range(hosts):
        host = json.loads(json.dumps((legacy if i % 4 == 0 else hardened)["hosts"][0]))
        address = "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
        host.update(index=i, target=address, address=address)
        out.append(host)
    doc["hosts"] = out
    json.dump(doc, open(out_path, "w"))


def fill(path, weeks, copies):
    db = sqlite3.connect(path)
    (first_started,) = db.execute("SELECT started FROM runs WHERE id = 1").fetchone()
    (offset,) = db.execute("SELECT MAX(id) FROM hosts").fetchone()
    (count,) = db.execute("SELECT COUNT(*) FROM hosts WHERE run_id = 1").fetchone()
    start = datetime.datetime.strptime(first_started[:19], "%Y-%m-%dT%H:%M:%S")
    for w in range(weeks):
        run = 1
        if w:
            started = (start + datetime.timedelta(weeks=w)).strftime("%Y-%m-%dT%H:%M:%SZ")
            run = db.execute(
                "INSERT INTO runs(started, finished, command, scanner_host, version, shard, status, summary) "
                "SELECT ?, ?, command, scanner_host, version, shard, status, summary FROM runs WHERE id = 1",
                (started, started)).lastrowid
        for k in range(copies):
            if w == 0 and k == 0:
                continue  # the imported hosts themselves
            shift = offset * (w * copies + k)
            db.execute(
                "INSERT INTO hosts(id, run_id, idx, target, address, started, finished, result) "
                "SELECT id + ?, ?, idx + ?, target || ?, address || ?, started, finished, '{}' "
                "FROM hosts WHERE run_id = 1 AND id <= ?",
                (shift, run, k * count, "-%d" % k, "-%d" % k, offset))
            db.execute(
                "INSERT INTO terms(host_id, term, state, checks) SELECT t.host_id + ?, t.term, "
                "CASE WHEN t.state = 'fail' AND h.idx % 208 < ? THEN 'pass' ELSE t.state END, t.checks "
                "FROM terms t JOIN hosts h ON h.id = t.host_id WHERE h.run_id = 1 AND h.id <= ?",
                (shift, 4 * w, offset))
        db.commit()
    # The copies bypass the writer, which keeps each run's counts: count them as the migration does.
    db.execute("DELETE FROM run_counts")
    for kind, table, name in ((0, "terms", "term"), (1, "policy_results", "rule")):
        db.execute(
            "INSERT INTO run_counts(run_id, kind, name, failing, judged) SELECT h.run_id, ?, t.%s, "
            "SUM(CASE WHEN t.state = 'fail' THEN 1 ELSE 0 END), SUM(CASE WHEN t.state = 'unknown' THEN 0 ELSE 1 END) "
            "FROM %s t JOIN hosts h ON h.id = t.host_id GROUP BY h.run_id, t.%s" % (name, table, name), (kind,))
    db.commit()
    db.execute("ANALYZE")
    db.commit()


def gnu_time(path):
    """{wall, cpu, rss, rc} of `/usr/bin/time -v -o PATH` output."""
    t = open(path).read()
    m = re.search(r"Elapsed \(wall clock\) time .*?: (?:(\d+):)?(\d+):([\d.]+)", t)
    wall = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3)) if m else float("nan")
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", t))
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
    rss = int(m.group(1)) if m else 0
    m = re.search(r"Exit status: (\d+)", t)
    return {"wall": wall, "cpu": cpu, "rss": rss, "rc": m.group(1) if m else "signal"}


def read_or(path, default):
    return open(path).read().strip() if os.path.exists(path) else default


def scale(out):
    runs = {}  # (size, kind) -> [run]
    kinds = []
    for path in sorted(glob.glob(os.path.join(out, "b3store-*-*-*.time"))):
        size, kind, _ = os.path.basename(path)[len("b3store-"):-len(".time")].split("-")
        run = gnu_time(path)
        base = path[:-len(".time")]
        check = json.loads(read_or(base + ".check", "{}") or "{}")
        run["ok"] = "ok" if check.get("ok") else "NOT OK"
        run["stored"] = read_or(base + ".stored", "-")
        runs.setdefault((int(size), kind), []).append(run)
        if kind not in kinds:
            kinds.append(kind)
    print("| addresses | store | runs | wall (median) | added to no store | CPU (median) | peak RSS | "
          "output check | hosts stored | exit |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in sorted({s for s, _ in runs}):
        none = runs.get((size, "none"))
        base = statistics.median(r["wall"] for r in none) if none else None
        for kind in kinds:
            rs = runs.get((size, kind))
            if not rs:
                continue
            wall = statistics.median(r["wall"] for r in rs)
            added = "-" if kind == "none" or not base else "%+.1f%%" % ((wall - base) * 100 / base)
            print("| %d | %s | %d | %.1f s | %s | %.1f s | %d MiB | %s | %s | %s |" % (
                size, kind, len(rs), wall, added, statistics.median(r["cpu"] for r in rs),
                max(r["rss"] for r in rs) // 1024, ", ".join(sorted({r["ok"] for r in rs})),
                ", ".join(sorted({r["stored"] for r in rs})), ", ".join(sorted({r["rc"] for r in rs}))))


if __name__ == "__main__":
    if sys.argv[1] == "week":
        week(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6])
    elif sys.argv[1] == "fill":
        fill(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "scale":
        scale(sys.argv[2])
    else:
        sys.exit(__doc__)
