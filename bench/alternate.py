#!/usr/bin/env python3
"""Times whole commands run alternately, for a fair side-by-side comparison.

hyperfine runs all the runs of one command, then all of the next, so a change
in the machine's load between them shows up as a difference between the
commands. Here each round runs every command once, in an order that rotates
from round to round, and the wall time of each process is taken with a
monotonic clock around its fork and wait (the same overhead for every
command).

    alternate.py --rounds 40 --warmup 3 --out result.json NAME=CMD NAME=CMD ...

Each CMD must exit 0 (a failed run stops the benchmark: a command that did
not deliver must not be timed). The JSON holds every sample in milliseconds
and the min, median and max per name.
"""
import argparse
import json
import shlex
import statistics
import subprocess
import sys
import time


def run_once(argv):
    t0 = time.perf_counter_ns()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
    t1 = time.perf_counter_ns()
    if p.returncode != 0:
        sys.exit(f"alternate: {shlex.join(argv)} exited {p.returncode}: {p.stderr.decode(errors='replace')[-500:]}")
    return (t1 - t0) / 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--out", required=True)
    ap.add_argument("commands", nargs="+", help="NAME=COMMAND")
    a = ap.parse_args()
    cmds = []
    for spec in a.commands:
        name, sep, cmd = spec.partition("=")
        if not sep or not name or not cmd:
            sys.exit(f"alternate: {spec!r} is not NAME=COMMAND")
        cmds.append((name, shlex.split(cmd), cmd))
    for _ in range(a.warmup):
        for _, argv, _ in cmds:
            run_once(argv)
    samples = {name: [] for name, _, _ in cmds}
    for r in range(a.rounds):
        k = r % len(cmds)
        for name, argv, _ in cmds[k:] + cmds[:k]:
            samples[name].append(run_once(argv))
    result = {
        "rounds": a.rounds,
        "warmup": a.warmup,
        "commands": {name: cmd for name, _, cmd in cmds},
        "samples_ms": samples,
        "summary": {
            name: {"min": min(s), "median": statistics.median(s), "max": max(s)} for name, s in samples.items()
        },
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
