#!/usr/bin/env python3
"""Writes server/cli/symbol-order.txt: the functions an editing session runs, hottest first (issue #15, peak RSS).

The release link lays these functions side by side (server/cli/build.rs). The list comes from running the
language-server benchmarks under `valgrind --tool=callgrind` (every function executed, however briefly, not a
sample) with the given release build, and keeping the names its symbol table has.

  cargo build --release -p pacto
  python3 bench/symbol_order.py            # about 5 minutes; then build again to use the new list

Run it again when the server changes a lot: `lsp_replay.py` prints how much of the list the binary still has
("ordered functions found"). Needs valgrind and nm.
"""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ORDER_FILE = ROOT / "server/cli/symbol-order.txt"

# Each run is a session as an editor drives it; timeouts are long because callgrind runs code ~50 times slower.
SESSIONS = [
    ["lsp_replay.py", "--pacto-only", "--edits", "60", "--requests", "30", "--timeout", "120", "--settle", "5",
     "--scenario-timeout", "1800"],
    ["lsp_workspace.py", "--contracts", "100", "--edges", "300", "--samples", "5"],
]


def text_symbols(binary: Path) -> set[str]:
    out = subprocess.run(["nm", "--defined-only", str(binary)], check=True, capture_output=True, text=True).stdout
    return {parts[2] for parts in (line.split() for line in out.splitlines()) if len(parts) == 3 and parts[1] in "tT"}


def executed_costs(callgrind_out: Path, costs: collections.Counter) -> None:
    """Adds each function's own instruction count (lines after `calls=` are a callee's, skipped)."""
    names: dict[str, str] = {}
    current = None
    skip_next = False
    for line in callgrind_out.open(errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line)
        if m:
            kind, ident, name = m.groups()
            if name:
                names[ident] = re.sub(r"'\d+$", "", name)  # callgrind's recursion depth
            if kind == "fn":
                current = names.get(ident)
            continue
        if line.startswith("calls="):
            skip_next = True
            continue
        if line and (line[0].isdigit() or line[0] in "+-*"):
            if skip_next:
                skip_next = False
                continue
            parts = line.split()
            if current and len(parts) >= 2 and parts[1].isdigit():
                costs[current] += int(parts[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pacto", default=str(ROOT / "target/release/pacto"))
    ap.add_argument("--out", default=str(ORDER_FILE))
    args = ap.parse_args()
    binary = Path(args.pacto).resolve()
    symbols = text_symbols(binary)
    costs: collections.Counter = collections.Counter()
    with tempfile.TemporaryDirectory(prefix="pacto-order-") as tmp:
        wrapper = Path(tmp) / "pacto"
        wrapper.write_text(
            "#!/bin/sh\nexec valgrind --quiet --tool=callgrind --demangle=no "
            f"--callgrind-out-file={tmp}/callgrind.%p {binary} \"$@\"\n")
        wrapper.chmod(0o755)
        env = dict(os.environ, PACTO_OFFLINE="1")
        for script, *rest in SESSIONS:
            cmd = [sys.executable, str(BENCH / script), "--pacto", str(wrapper), *rest]
            print("running", " ".join(cmd[1:]), flush=True)
            done = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if done.returncode not in (0, 1):  # 1: a target missed, which callgrind's speed makes certain
                print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
                return 2
        outputs = sorted(Path(tmp).glob("callgrind.*"))
        for out in outputs:
            executed_costs(out, costs)
    ordered = [name for name, _ in costs.most_common() if name in symbols]
    Path(args.out).write_text("".join(name + "\n" for name in ordered))
    print(f"{len(outputs)} processes; {len(costs)} functions executed, {len(ordered)} of them in {binary.name}'s "
          f"symbol table: written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
