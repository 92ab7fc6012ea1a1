#!/usr/bin/env python3
"""The language server's workspace index (issue #18), standard library only.

Generates the workspace of `workspace_reverse.py` (--contracts contracts, default 1,000, with --edges
dependency edges, default 3,000, half by local path and half by oci:// repository), starts `pacto lsp`
on it as its one workspace folder, and measures:

  index            `initialized` → the end of the "Indexing contracts" `$/progress` (the background scan)
  first hover      a hover in an open contract sent right after `initialized`, while the scan runs
  references       references on svc-0000's `service.name` (median of --samples), the most depended-on
  peak RSS         the server's VmHWM at the end

and prints the targets: index <= 2 s, first hover <= 50 ms, references <= 10 ms, peak RSS <= 80 MB.

  python3 bench/lsp_workspace.py [--pacto target/release/pacto] [--samples 50]
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_client import LspClient  # noqa: E402
from workspace_reverse import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"index_ms": 2000, "first_hover_ms": 50, "references_ms": 10, "peak_rss_mb": 80}


class Lsp(LspClient):
    def __init__(self, pacto, env, folder):
        super().__init__(pacto, env)
        caps = {"window": {"workDoneProgress": True}}
        self.request("initialize", {"processId": None, "rootUri": folder.as_uri(), "capabilities": caps,
                                    "workspaceFolders": [{"uri": folder.as_uri(), "name": "bench"}]})

    def open(self, path):
        text = path.read_text()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": path.as_uri(), "languageId": "yaml",
                                                             "version": 1, "text": text}})
        return text

    def peak_rss_mb(self):
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.wait(timeout=10)


def name_position(text):
    line = next(i for i, it in enumerate(text.splitlines()) if it.strip().startswith("name: svc-"))
    return {"line": line, "character": text.splitlines()[line].index("svc-") + 1}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pacto", default=str(ROOT / "target/release/pacto"))
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--edges", type=int, default=3000)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pacto-bench-workspace-")).resolve()
    try:
        generate(work, args.contracts, args.edges, seed=18)
        env = dict(os.environ, HOME=str(work / "home"), XDG_CACHE_HOME=str(work / "home/cache"), PACTO_OFFLINE="1")
        lsp = Lsp(args.pacto, env, work)
        started = time.perf_counter()
        lsp.notify("initialized", {})
        leaf = work / f"svc-{args.contracts - 1:04d}/pacto.yaml"
        text = lsp.open(leaf)
        before = time.perf_counter()
        lsp.request("textDocument/hover", {"textDocument": {"uri": leaf.as_uri()}, "position": name_position(text)})
        results = {"first_hover_ms": (time.perf_counter() - before) * 1000}
        lsp.wait(lambda m: m.get("method") == "$/progress" and m["params"]["token"] == "pacto/workspaceIndex"
                 and m["params"]["value"].get("kind") == "end")
        results["index_ms"] = (time.perf_counter() - started) * 1000
        root = work / "svc-0000/pacto.yaml"
        text = lsp.open(root)
        params = {"textDocument": {"uri": root.as_uri()}, "position": name_position(text),
                  "context": {"includeDeclaration": False}}
        n_references = len(lsp.request("textDocument/references", params) or [])
        samples = []
        for _ in range(args.samples):
            before = time.perf_counter()
            lsp.request("textDocument/references", params)
            samples.append((time.perf_counter() - before) * 1000)
        results["references_ms"] = statistics.median(samples)
        results["peak_rss_mb"] = lsp.peak_rss_mb()
        lsp.close()
        print(f"{args.contracts} contracts, {args.edges} edges; svc-0000 has {n_references} direct dependents")
        for name, target in TARGETS.items():
            verdict = "PASS" if results[name] <= target else "MISS"
            print(f"{verdict} {name}: {results[name]:.1f} (target ≤ {target:g})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
