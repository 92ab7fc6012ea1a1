#!/usr/bin/env python3
"""`pacto graph --reverse` benchmark (issue #18), standard library only.

Generates a workspace of --contracts contracts (default 1,000) with --edges dependency edges
(default 3,000) in a temporary directory: services svc-0000 … svc-0999, every fifth one 2.0, each
published (`# pacto:publish oci://bench.local/acme/svc-NNNN`); service i depends on services
below it, half of the edges by local path and half by oci:// repository, so svc-0000 is depended on,
transitively, by most of the workspace. Then times each command as a whole process (median
of --runs after two warm-up runs):

  version          pacto version (process start, the floor)
  reverse (leaf)   pacto graph --reverse on the newest service: nobody depends on it, so this is
                   the walk of the tree and the index build (read and parse every contract)
  reverse (root)   pacto graph --reverse on svc-0000: the same plus the transitive walk and output

and prints the targets: reverse (root) <= 1 s; the index build is reverse (leaf) minus version.

  python3 bench/workspace_reverse.py [--pacto target/release/pacto] [--runs 10] [--keep DIR]
"""

import argparse
import json
import random
import shutil
import subprocess
import sys
import statistics
import tempfile
import time
from pathlib import Path


def generate(root: Path, contracts: int, edges: int, seed: int) -> None:
    rng = random.Random(seed)
    # Edges dealt round-robin: service i gets about edges / contracts of them, always among the
    # services below it, so the graph is a DAG rooted at svc-0000.
    per = [0] * contracts
    i = 0
    for _ in range(min(edges, contracts * (contracts - 1) // 2)):
        i = 1 + i % (contracts - 1)
        while per[i] >= i:  # service i has only i services below it
            i = 1 + i % (contracts - 1)
        per[i] += 1
    (root / ".gitignore").write_text("ignored/\n")
    for i in range(contracts):
        name = f"svc-{i:04d}"
        targets = sorted(rng.sample(range(i), per[i])) if per[i] else []
        if targets and 0 not in targets and rng.random() < 0.2:
            targets[0] = 0  # smaller than every other target: still distinct
        two = i % 5 == 0
        lines = [f"# pacto:publish oci://bench.local/acme/{name}", f'pactoVersion: "{"2.0" if two else "1.0"}"']
        lines += ["service:", f"  name: {name}", f"  version: 1.{i % 7}.0"]
        if targets:
            lines.append("dependencies:")
        for n, target in enumerate(targets):
            ref = f"../svc-{target:04d}" if n % 2 == 0 else f"oci://bench.local/acme/svc-{target:04d}:1.0.0"
            if two:
                lines += [f"  - name: dep-{target:04d}", f"    ref: {ref}", '    compatibility: "^1.0.0"']
            else:
                lines += [f'  - {{ref: "{ref}", compatibility: "^1.0.0"}}']
        directory = root / name
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "pacto.yaml").write_text("\n".join(lines) + "\n")


def median_ms(command: list[str], cwd: Path, runs: int) -> float:
    """Median wall time of `command`, after two warm-up runs (the page cache holds the workspace)."""
    times = []
    for i in range(runs + 2):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        if i >= 2:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pacto", default=str(Path(__file__).resolve().parent.parent / "target/release/pacto"))
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--edges", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--keep", help="generate into this directory and keep it")
    args = parser.parse_args()
    pacto = str(Path(args.pacto).resolve())
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="pacto-reverse-"))
    try:
        work.mkdir(parents=True, exist_ok=True)
        generate(work, args.contracts, args.edges, args.seed)
        n_edges = sum(p.read_text().count("ref:") for p in work.glob("*/pacto.yaml"))
        leaf = f"svc-{args.contracts - 1:04d}"
        print(f"== workspace: {args.contracts} contracts, {n_edges} edges in {work}", file=sys.stderr)
        out = subprocess.run([pacto, "graph", "--reverse", "svc-0000", "--workspace", ".", "--output-format", "json"],
                             cwd=work, capture_output=True, text=True, check=True)
        summary = json.loads(out.stdout)
        print(f"== svc-0000: {len(summary['root'].get('dependents', []))} direct dependents, "
              f"{len(out.stdout)} bytes of JSON", file=sys.stderr)
        commands = {
            "version": [pacto, "version"],
            "reverse (leaf)": [pacto, "graph", "--reverse", leaf, "--workspace", "."],
            "reverse (root)": [pacto, "graph", "--reverse", "svc-0000", "--workspace", "."],
        }
        ms = {label: median_ms(command, work, args.runs) for label, command in commands.items()}
        for label, value in ms.items():
            print(f"  {label:<16} median {value:8.1f} ms ({args.runs} runs after 2 warm-up)", file=sys.stderr)
        index = ms["reverse (leaf)"] - ms["version"]
        print(f"reverse (root) median {ms['reverse (root)']:.1f} ms (target <= 1000 ms): "
              f"{'PASS' if ms['reverse (root)'] <= 1000 else 'MISS'}")
        print(f"index build (reverse (leaf) - version) {index:.1f} ms; version {ms['version']:.1f} ms")
        return 0 if ms["reverse (root)"] <= 1000 else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
