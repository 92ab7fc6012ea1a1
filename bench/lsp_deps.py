#!/usr/bin/env python3
"""Dependencies in the editor (issue #7), measured against a real registry on 127.0.0.1.

Starts Debian's `docker-registry` on a free loopback port, pushes N services with `pacto push`, then drives
`pacto lsp` over stdio and prints:

- open → all N dependencies resolved (the end of the server's `$/progress`), cold cache and warm cache;
- the first hover on a ref right after opening (the cache-only answer, "resolving…" when cold);
- hover on a resolved ref and tag completion after `oci://host/repo:`, warm: p50 / p95 / max.

Standard library only. Usage: python3 bench/lsp_deps.py [--pacto target/release/pacto] [--deps 50]
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_client import LspClient  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests/data/lsp-deps/billing"
TARGETS = {"hover_p50_ms": 2.0, "completion_p50_ms": 2.0, "open_resolved_ms": 500.0, "first_hover_ms": 50.0}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_registry(work):
    addr = f"127.0.0.1:{free_port()}"
    config = work / "registry.yml"
    config.write_text(
        f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {work / 'data'}\n"
        f"http:\n  addr: {addr}\n  secret: bench\n"
    )
    proc = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://{addr}/v2/", timeout=1)
            return proc, addr
        except Exception:
            time.sleep(0.02)
    proc.kill()
    sys.exit("docker-registry did not start")


class Lsp(LspClient):
    def __init__(self, pacto, env, settings):
        super().__init__(pacto, env)
        caps = {"window": {"workDoneProgress": True}, "workspace": {"inlayHint": {"refreshSupport": True}}}
        self.request("initialize", {"processId": None, "rootUri": None, "capabilities": caps,
                                    "initializationOptions": {"pacto": settings}})
        self.notify("initialized", {})

    def wait_resolved(self):
        self.wait(lambda m: m.get("method") == "$/progress" and m["params"]["value"].get("kind") == "end")

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.wait(timeout=10)


def contract(addr, n):
    deps = "".join(f"  - ref: oci://{addr}/bench/svc-{i}\n    compatibility: \"^1.0.0\"\n" for i in range(n))
    return f"pactoVersion: \"1.0\"\nservice:\n  name: bench\n  version: 1.0.0\ndependencies:\n{deps}"


def position(text, needle, delta):
    offset = text.index(needle) + delta
    return {"line": text[:offset].count("\n"), "character": offset - (text.rfind("\n", 0, offset) + 1)}


def percentiles(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1], ordered[-1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pacto", default=str(ROOT / "target/release/pacto"))
    parser.add_argument("--deps", type=int, default=50)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    if not shutil.which("docker-registry"):
        sys.exit("docker-registry is not installed (apt-get install docker-registry)")
    work = Path(tempfile.mkdtemp(prefix="pacto-bench-deps-"))
    registry, addr = start_registry(work)
    try:
        env = dict(os.environ, HOME=str(work), XDG_CACHE_HOME=str(work / "push-cache"))
        for name in ["PACTO_REGISTRY_TOKEN", "PACTO_REGISTRY_USERNAME", "PACTO_REGISTRY_PASSWORD", "PACTO_OFFLINE"]:
            env.pop(name, None)
        started = time.perf_counter()
        for i in range(args.deps):
            bundle = work / f"svc-{i}"
            shutil.copytree(FIXTURE, bundle)
            text = (bundle / "pacto.yaml").read_text().replace("name: billing", f"name: svc-{i}")
            for version in ["1.0.0", "1.1.0"]:
                (bundle / "pacto.yaml").write_text(text.replace("version: 1.0.0", f"version: {version}"))
                subprocess.run([args.pacto, "push", f"oci://{addr}/bench/svc-{i}:{version}", "-p", str(bundle)],
                               env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"pushed {2 * args.deps} artifacts in {time.perf_counter() - started:.1f} s")

        text = contract(addr, args.deps)
        app = work / "app/pacto.yaml"
        app.parent.mkdir()
        app.write_text(text)
        uri = app.as_uri()
        server_env = dict(env, XDG_CACHE_HOME=str(work / "server-cache"))
        results = {}
        for label in ["cold cache", "warm cache"]:
            lsp = Lsp(args.pacto, server_env, {})
            opened = time.perf_counter()
            lsp.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                                 "text": text}})
            ref = position(text, "svc-0\n", 0)
            before = time.perf_counter()
            first = lsp.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": ref})
            first_ms = (time.perf_counter() - before) * 1000
            lsp.wait_resolved()
            resolved_ms = (time.perf_counter() - opened) * 1000
            says = "resolving…" if first and "resolving…" in first["contents"]["value"] else "resolved"
            print(f"{label}: open → {args.deps} dependencies resolved {resolved_ms:.0f} ms; "
                  f"first hover {first_ms:.1f} ms ({says})")
            key = "open_resolved_ms" if label == "cold cache" else "open_resolved_warm_ms"
            results[key] = resolved_ms
            results.setdefault("first_hover_ms", first_ms)
            if label == "warm cache":
                hover_ms = []
                for _ in range(args.samples):
                    before = time.perf_counter()
                    lsp.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": ref})
                    hover_ms.append((time.perf_counter() - before) * 1000)
                typing = text + f"  - ref: oci://{addr}/bench/svc-1:\n    compatibility: \"^1.0.0\"\n"
                lsp.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                                      "contentChanges": [{"text": typing}]})
                at = position(typing, "svc-1:\n", 6)
                completion_ms = []
                for _ in range(args.samples):
                    before = time.perf_counter()
                    result = lsp.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": at})
                    completion_ms.append((time.perf_counter() - before) * 1000)
                labels = [it["label"] for it in result["items"]]
                assert labels[:2] == ["1.1.0", "1.0.0"], labels
                for name, samples in [("hover", hover_ms), ("completion", completion_ms)]:
                    p50, p95, worst = percentiles(samples)
                    results[f"{name}_p50_ms"] = p50
                    print(f"{name} on a ref, warm: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {worst:.2f} ms "
                          f"({len(samples)} requests)")
            lsp.close()
        for name, target in TARGETS.items():
            verdict = "PASS" if results[name] <= target else "MISS"
            print(f"{verdict} {name}: {results[name]:.2f} (target ≤ {target:g})")
    finally:
        registry.kill()
        registry.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
