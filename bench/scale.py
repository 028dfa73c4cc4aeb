#!/usr/bin/python3
"""Helpers of the scale benchmark (bench/run, benchmarks 3 and 4).

  layout --size N --live FILE --dropped FILE   the address plan of 127.1.0.0/.. (N addresses)
  expect INDEX                                 live / dropped / refused for one index
  rtt ADDRESS PORT                             time a TCP connect and one SMB1 negotiate round trip (relay check)
  check --size N --jsonl FILE                  every address of the /N appears once with the right status

Address plan (the same proportions at every size): index i = address - 127.1.0.0;
  i % 16 == 0  -> live (the relay answers on 445/139 and 137/udp, forwarding to the lab DC): 1/16 = 256 of 4,096
  i %  4 == 1  -> dropped silently (nftables, input hook): 1/4 = 1,024 of 4,096
  otherwise    -> refused (nothing listens: RST): 2,816 of 4,096
"""
import argparse
import collections
import ipaddress
import json
import socket
import struct
import sys
import os
import time
from datetime import datetime

BASE = int(ipaddress.IPv4Address("127.1.0.0"))
EXPECTED_STATUS = {"live": "ok", "dropped": "timeout", "refused": "refused"}


def kind(i):
    if i % 16 == 0:
        return "live"
    if i % 4 == 1:
        return "dropped"
    return "refused"


def addr(i):
    return str(ipaddress.IPv4Address(BASE + i))


def cmd_layout(a):
    with open(a.live, "w") as live, open(a.dropped, "w") as dropped:
        for i in range(a.size):
            k = kind(i)
            if k == "live":
                live.write(addr(i) + "\n")
            elif k == "dropped":
                dropped.write(addr(i) + "\n")


def smb1_negotiate():
    dialects = b"\x02NT LM 0.12\x00"
    hdr = b"\xffSMB" + bytes([0x72]) + b"\x00" * 4 + bytes([0x18]) + struct.pack("<H", 0xC853) + b"\x00" * 12 + \
        struct.pack("<HHHH", 0, 0xFEFF, 0, 0)
    body = b"\x00" + struct.pack("<H", len(dialects)) + dialects
    msg = hdr + body
    return struct.pack(">I", len(msg)) + msg


def cmd_rtt(a):
    ip = ipaddress.ip_address(a.address)
    assert ip in ipaddress.ip_network("127.0.0.0/8"), "loopback only"
    out = []
    for _ in range(3):
        t0 = time.monotonic()
        s = socket.create_connection((a.address, a.port), timeout=5)
        t1 = time.monotonic()
        s.sendall(smb1_negotiate())
        data = s.recv(4096)
        t2 = time.monotonic()
        s.close()
        out.append((t1 - t0, t2 - t1, len(data)))
    for c, r, n in out:
        print(f"connect {c * 1000:.1f} ms, SMB1 negotiate round trip {r * 1000:.1f} ms ({n} bytes)")


def cmd_check(a):
    """Prints one JSON object: counts per expected kind, wrong statuses, missing and duplicate addresses."""
    seen = collections.Counter()
    wrong = []
    degraded = []  # live hosts whose result is ok but with at least one check that timed out
    by_status = collections.Counter()
    elapsed = collections.defaultdict(list)
    starts, ends = {}, {}  # kind -> [epoch seconds]
    bad_lines = 0
    complete = None
    try:
        f = open(a.jsonl)
    except OSError as e:
        print(json.dumps({"ok": False, "error": str(e)}))
        return 1
    with f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                h = json.loads(line)
            except ValueError:
                bad_lines += 1
                continue
            if "address" not in h:  # a trailer/summary line, if any
                if "complete" in h:
                    complete = h["complete"]
                continue
            try:
                i = int(ipaddress.IPv4Address(h["address"])) - BASE
            except ValueError:
                bad_lines += 1
                continue
            seen[i] += 1
            smb = h.get("probes", {}).get("smb", {})
            st = smb.get("status", "?")
            k = kind(i) if 0 <= i < a.size else "outside"
            by_status[(k, st)] += 1
            if k == "live" and st == "ok" and "no answer within" in line:
                degraded.append(h["address"])
            if "elapsed_ms" in smb:
                elapsed[k].append(smb["elapsed_ms"])
            for key, store in (("started", starts), ("finished", ends)):
                t = parse_time(h.get(key))
                if t is not None:
                    store.setdefault(k, []).append(t)
            if EXPECTED_STATUS.get(k) != st:
                wrong.append({"address": h["address"], "expected": EXPECTED_STATUS.get(k), "got": st,
                              "reason": smb.get("reason", "")})
    missing = [addr(i) for i in range(a.size) if seen[i] == 0]
    dup = [addr(i) for i, n in seen.items() if n > 1]
    res = {
        "ok": not wrong and not missing and not dup and bad_lines == 0,
        "size": a.size,
        "lines": sum(seen.values()),
        "missing": len(missing), "missing_sample": missing[:5],
        "duplicates": len(dup), "duplicate_sample": dup[:5],
        "wrong": len(wrong), "wrong_sample": wrong[:5],
        "bad_lines": bad_lines,
        "live_with_timeouts": len(degraded), "live_with_timeouts_sample": degraded[:5],
        "by_kind_status": {f"{k}:{s}": n for (k, s), n in sorted(by_status.items())},
        "median_probe_ms": {k: sorted(v)[len(v) // 2] for k, v in elapsed.items() if v},
    }
    # Timeline: seconds from the first host's start until the last host of each kind finished.
    t0 = min((min(v) for v in starts.values() if v), default=None)
    if t0 is not None:
        res["last_finished_s"] = {k: round(max(v) - t0, 2) for k, v in ends.items() if v}
    if complete is not None:
        res["complete"] = complete
    print(json.dumps(res))
    return 0 if res["ok"] else 1


def parse_time(text):
    """RFC 3339 UTC with milliseconds (legacyscan's started/finished) -> epoch seconds, None if absent."""
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
    except ValueError:
        return None


def cpu_snapshot(pids_text):
    """{pid: [starttime, own + reaped children's CPU ticks]} of the given pids (whitespace separated)."""
    snap = {}
    for pid in pids_text.split():
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # fields[0] is field 3 (state): utime..cstime are fields 14-17, starttime field 22.
        snap[pid] = [int(fields[19]), sum(int(x) for x in fields[11:15])]
    return snap


def cpu_delta(before, after):
    """CPU seconds spent between two snapshots by the processes alive at the second one (and, through the
    children's counters, by the children they reaped meanwhile); processes gone by then are not counted."""
    hz = os.sysconf("SC_CLK_TCK")
    ticks = 0
    for pid, (start, t) in after.items():
        b = before.get(pid)
        ticks += t - b[1] if b and b[0] == start else t if not b or b[0] != start else 0
    return ticks / hz


def cmd_cpu(a):
    """Runs a command and prints the CPU seconds the processes of network namespace NS spent meanwhile."""
    import subprocess

    def pids():
        return subprocess.run(["ip", "netns", "pids", a.netns], capture_output=True, text=True).stdout

    before = cpu_snapshot(pids())
    rc = subprocess.run(a.command).returncode
    print(f"{cpu_delta(before, cpu_snapshot(pids())):.2f}")
    return rc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("layout")
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--live", required=True)
    p.add_argument("--dropped", required=True)
    p = sub.add_parser("rtt")
    p.add_argument("address")
    p.add_argument("port", type=int)
    p = sub.add_parser("check")
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--jsonl", required=True)
    p = sub.add_parser("cpu")
    p.add_argument("netns")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    return {"layout": cmd_layout, "rtt": cmd_rtt, "check": cmd_check, "cpu": cmd_cpu}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
