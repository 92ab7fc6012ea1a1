#!/usr/bin/env python3
"""`pacto validate` on the shipped examples (issue #14), standard library only.

Runs `pacto validate` on examples/payments-api-v2 (2.0) and examples/payments-api (1.0) as whole
processes with PACTO_OFFLINE=1 (no registry in the figure), 10 warm-up runs then --runs timed
ones each, and prints p50, p95 and min; target: the 2.0 example's p50 <= 5 ms (exit 1 when missed).

  cargo build --release -p pacto
  python3 bench/validate_examples.py [--pacto target/release/pacto] [--runs 100]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 5.0


def timings(pacto: str, bundle: Path, runs: int) -> list[float]:
    env = dict(os.environ, PACTO_OFFLINE="1")
    out = []
    for i in range(runs + 10):
        start = time.perf_counter()
        done = subprocess.run([pacto, "validate", str(bundle)], capture_output=True, env=env)
        elapsed = (time.perf_counter() - start) * 1000
        if done.returncode != 0:
            sys.exit(f"pacto validate {bundle} failed ({done.returncode}): {done.stderr.decode()}")
        if i >= 10:
            out.append(elapsed)
    return sorted(out)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pacto", default=str(ROOT / "target/release/pacto"))
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    load = " ".join(f"{it:.2f}" for it in os.getloadavg())
    print(f"pacto validate ({args.pacto}, {args.runs} runs after 10 warm-up; load average {load} on {os.cpu_count()} CPUs)")
    p50_v2 = None
    for label, bundle in [("2.0 example", ROOT / "examples/payments-api-v2"), ("1.0 example", ROOT / "examples/payments-api")]:
        ms = timings(args.pacto, bundle, args.runs)
        p50 = statistics.median(ms)
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        print(f"  {label:<12} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  min {ms[0]:6.2f} ms")
        if p50_v2 is None:
            p50_v2 = p50
    verdict = "PASS" if p50_v2 <= TARGET_MS else "MISS"
    print(f"  {verdict}  validate 2.0 example p50: {p50_v2:.2f} ms (target <= {TARGET_MS:g} ms)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
