#!/usr/bin/env python3
"""LSP replay benchmark: pacto's language server against yaml-language-server.

Python 3.11, standard library only. For each document and each server it:

  1. starts the server over stdio and times start -> `initialize` response;
  2. opens the document and times didOpen -> first `publishDiagnostics`;
  3. types into it: N single-character incremental edits (insert a character at the end of a
     value, delete it again, ...), each waiting for the diagnostics of THAT edit: the publish
     carrying the edit's version when the server sends versions (pacto), else the next publish
     after the edit (yaml-language-server publishes without a version);
  4. measures CPU time of the server's process tree over the edit loop (/proc/<pid>/stat,
     utime+stime+cutime+cstime), divided by N;
  5. times hover and completion requests at fixed positions;
  6. reads peak RSS (max VmHWM over the process tree) before shutting the server down.

Every wait has a timeout, the server's own requests are answered (workspace/configuration with
the yaml settings, client/registerCapability and anything else with null), and servers are shut
down (shutdown/exit, then SIGKILL of the process group the script started) so it never hangs.

Usage: python3 bench/lsp_replay.py [--pacto-only] [--json-out result.json]   (see --help)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Targets pacto is checked against (see bench/README.md); the 5,000-line ones are issue #15's.
TARGETS = {
    "edit_p50_example_ms": 1.0,
    "edit_p50_large_ms": 5.0,
    "edit_p95_large_ms": 10.0,
    "initialize_ms": 20.0,
    "rss_large_mb": 25.0,
    "hover_p50_large_ms": 2.0,
    "completion_p50_large_ms": 2.0,
}


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------



# initializationOptions sent to every server (--init-options).
INIT_OPTIONS: Any = None

def generate_contract(lines: int = 5000, deps: int = 250) -> tuple[str, list[str]]:
    """A valid contract of exactly `lines` lines (when lines >= ~100): many interfaces, each
    with name/type/port/visibility/contract (event interfaces take no port), `deps`
    dependencies pinned by digest with compatibility ^1.0.0, a runtime, scaling and metadata.
    Returns the text and the bundle files its `contract:` fields reference."""
    head = [
        "# Generated contract for the LSP replay benchmark (bench/lsp_replay.py).",
        'pactoVersion: "1.0"',
        "",
        "service:",
        "  name: big-platform-api",
        "  version: 3.4.0",
        "  owner: team/platform",
        "  image:",
        "    ref: ghcr.io/acme/big-platform-api:3.4.0",
        "    private: true",
        "",
        "# Every interface lists its own contract file, relative to this directory.",
        "interfaces:",
    ]
    dep_lines = ["", "# Other contracts this service relies on, pinned by digest.", "dependencies:"]
    for n in range(1, deps + 1):
        digest = hashlib.sha256(f"dep-{n}".encode()).hexdigest()
        dep_lines += [
            f"  - ref: oci://ghcr.io/acme/dep-{n}:1.{n}.0@sha256:{digest}",
            f"    required: {'true' if n % 4 else 'false'}",
            '    compatibility: "^1.0.0"',
        ]
    tail = [
        "",
        "runtime:",
        "  workload: service",
        "  state:",
        "    type: stateless",
        "    persistence:",
        "      scope: local",
        "      durability: ephemeral",
        "    dataCriticality: low",
        "  lifecycle:",
        "    upgradeStrategy: rolling",
        "    gracefulShutdownSeconds: 30",
        "  health:",
        "    interface: api-1",
        "    path: /health",
        "    initialDelaySeconds: 5",
        "",
        "scaling:",
        "  min: 2",
        "  max: 10",
        "",
        "metadata:",
        "  team: platform",
        "  tier: critical",
    ]
    budget = lines - len(head) - len(dep_lines) - len(tail)
    iface_lines: list[str] = []
    files: list[str] = []
    n = 0
    while True:
        n += 1
        kind = ("http", "grpc", "event")[(n - 1) % 3]
        if kind == "http":
            block = [
                f"  - name: api-{n}",
                "    type: http",
                f"    port: {10000 + n}",
                "    visibility: public",
                f"    contract: interfaces/api-{n}.yaml",
            ]
            files.append(f"interfaces/api-{n}.yaml")
        elif kind == "grpc":
            block = [
                f"  - name: rpc-{n}",
                "    type: grpc",
                f"    port: {10000 + n}",
                "    visibility: internal",
                f"    contract: interfaces/rpc-{n}.proto",
            ]
            files.append(f"interfaces/rpc-{n}.proto")
        else:
            block = [
                f"  - name: events-{n}",
                "    type: event",
                "    visibility: internal",
                f"    contract: interfaces/events-{n}.yaml",
            ]
            files.append(f"interfaces/events-{n}.yaml")
        if len(iface_lines) + len(block) > budget:
            files.pop()
            break
        iface_lines += block
    pad = lines - len(head) - len(iface_lines) - len(dep_lines) - len(tail)
    tail += [f"  note-{k}: generated padding line {k}" for k in range(1, pad + 1)]
    text = "\n".join(head + iface_lines + dep_lines + tail) + "\n"
    return text, files


def write_bundle(directory: Path, text: str, files: list[str]) -> Path:
    """Writes pacto.yaml and the referenced files (empty) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    for rel in files:
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    contract = directory / "pacto.yaml"
    contract.write_text(text, encoding="utf-8")
    return contract


@dataclass
class Plan:
    """Where a document is edited and queried (0-based LSP positions, ASCII documents)."""

    edit_line: int  # a `visibility: public` line: characters are typed at its end
    edit_col: int
    hover_key: tuple[int, int]  # on the `port` key of the same interface
    hover_enum: tuple[int, int]  # on the `http` of `type: http`
    completion_value: tuple[int, int]  # right after `type: `
    blank_after_line: int  # an empty line is inserted after this one (end of the interface item)
    blank_indent: int  # ... indented like the item's keys; completion goes there


def plan_for(text: str) -> Plan:
    lines = text.split("\n")

    def item_end(start: int) -> int:
        indent = len(lines[start]) - len(lines[start].lstrip()) + 2
        end = start
        while end + 1 < len(lines):
            nxt = lines[end + 1]
            if not nxt.strip() or len(nxt) - len(nxt.lstrip()) < indent or nxt.lstrip().startswith("#"):
                break
            end += 1
        return end

    # The items of `interfaces:`, as (first line, last line).
    top = next((i for i, it in enumerate(lines) if it.rstrip() == "interfaces:"), None)
    if top is None:
        raise SystemExit("document has no `interfaces:` section")
    items = []
    i = top + 1
    while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "#"))):
        if lines[i].lstrip().startswith("- "):
            items.append((i, item_end(i)))
            i = items[-1][1]
        i += 1

    def key_line(item: tuple[int, int], prefix: str) -> int | None:
        for k in range(item[0], item[1] + 1):
            if lines[k].lstrip().removeprefix("- ").startswith(prefix):
                return k
        return None

    # Typing happens at the end of `visibility: public` of the http interface nearest the middle.
    # A 2.0 contract (pacto-v2.md §1.2) has `type: openapi` and no port: its `ref` key is hovered
    # instead, and the item for key completion is one without `visibility`.
    v2 = any(it.strip() == 'pactoVersion: "2.0"' for it in lines)
    kind, hovered, missing = ("openapi", "ref:", "visibility:") if v2 else ("http", "port:", "port:")
    edits = [it for it in items if key_line(it, "visibility: public") is not None and key_line(it, f"type: {kind}") is not None]
    if not edits:
        raise SystemExit(f"no {kind} interface with `visibility: public` to edit")
    edit_item = min(edits, key=lambda it: abs(it[0] - len(lines) // 2))
    edit = key_line(edit_item, "visibility: public")
    port, typ = key_line(edit_item, hovered), key_line(edit_item, f"type: {kind}")
    # The empty line for key completion goes at the end of the next interface that lacks a key
    # (an event interface, which has no port), so there is something left to complete.
    after = [it for it in items if it[0] > edit_item[0] and key_line(it, missing) is None]
    blank_item = after[0] if after else edit_item
    return Plan(
        edit_line=edit,
        edit_col=len(lines[edit]),
        hover_key=(port, lines[port].index(hovered) + 1),
        hover_enum=(typ, lines[typ].index(kind) + 1),
        completion_value=(typ, lines[typ].index("type: ") + len("type: ")),
        blank_after_line=blank_item[1],
        blank_indent=len(lines[blank_item[0]]) - len(lines[blank_item[0]].lstrip()) + 2,
    )


# --------------------------------------------------------------------------------------------
# /proc
# --------------------------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm may hold spaces and parentheses: split after the last ')'. Fields from state on.
    return raw[raw.rindex(")") + 2 :].split()


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields:
            children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def tree_cpu_seconds(root: int) -> float:
    """utime+stime (+ reaped children's cutime+cstime) over the process tree, in seconds."""
    ticks = 0
    for pid in process_tree(root):
        fields = _stat_fields(pid)
        if fields:  # fields[0] is state: utime is stat field 14 -> index 11
            ticks += sum(int(x) for x in fields[11:15])
    return ticks / CLK_TCK


def tree_status(root: int) -> dict:
    """Current VmRSS (MB) and thread count summed over the process tree."""
    rss = threads = 0
    for pid in process_tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
                elif line.startswith("Threads:"):
                    threads += int(line.split()[1])
        except OSError:
            pass
    return {"rss_now_mb": rss / 1024, "threads": threads}


def tree_peak_rss_mb(root: int) -> float:
    peak = 0
    for pid in process_tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak / 1024


# --------------------------------------------------------------------------------------------
# JSON-RPC client
# --------------------------------------------------------------------------------------------


class ServerGone(Exception):
    pass


class LspClient:
    def __init__(self, cmd: list[str], stderr_path: Path, config: dict[str, Any], env: dict[str, str]):
        self.config = config  # answers to workspace/configuration, by section
        self.config_pulled = threading.Event()
        self.server_requests: dict[str, int] = {}
        self.responses: dict[int, tuple[float, dict]] = {}
        self.cond = threading.Condition()
        self.notes: queue.Queue = queue.Queue()
        self.eof = False
        self.next_id = 0
        self.write_lock = threading.Lock()
        self.stderr_file = open(stderr_path, "wb")
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr_file,
            bufsize=0,
            start_new_session=True,
            env=env,
        )
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    # -- wire
    def _write(self, msg: dict) -> float:
        body = json.dumps(msg, separators=(",", ":")).encode()
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        with self.write_lock:
            t = time.perf_counter()
            try:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError) as err:
                raise ServerGone(f"write failed: {err}") from err
        return t

    def _read_loop(self) -> None:
        fd = self.proc.stdout.fileno()
        buf = b""
        try:
            while True:
                while b"\r\n\r\n" not in buf:
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        return
                    buf += chunk
                head, buf = buf.split(b"\r\n\r\n", 1)
                length = None
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length is None:
                    continue
                while len(buf) < length:
                    chunk = os.read(fd, max(1 << 16, length - len(buf)))
                    if not chunk:
                        return
                    buf += chunk
                body, buf = buf[:length], buf[length:]
                t = time.perf_counter()
                try:
                    msg = json.loads(body)
                except ValueError:
                    continue
                self._dispatch(t, msg)
        finally:
            with self.cond:
                self.eof = True
                self.cond.notify_all()
            self.notes.put((time.perf_counter(), None))

    def _dispatch(self, t: float, msg: dict) -> None:
        if "method" in msg and "id" in msg:  # a server -> client request: answer at once
            method = msg["method"]
            self.server_requests[method] = self.server_requests.get(method, 0) + 1
            result: Any = None
            if method == "workspace/configuration":
                items = (msg.get("params") or {}).get("items") or []
                result = [self.config.get(it.get("section") or "", None) for it in items]
            try:
                self._write({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            except ServerGone:
                pass
            if method == "workspace/configuration":
                self.config_pulled.set()
        elif "id" in msg:
            with self.cond:
                self.responses[msg["id"]] = (t, msg)
                self.cond.notify_all()
        else:
            self.notes.put((t, msg))

    # -- API
    def notify(self, method: str, params: Any) -> float:
        return self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def send_request(self, method: str, params: Any) -> tuple[int, float]:
        self.next_id += 1
        rid = self.next_id
        t = self._write({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return rid, t

    def wait_response(self, rid: int, timeout: float) -> tuple[float, dict]:
        with self.cond:
            ok = self.cond.wait_for(lambda: rid in self.responses or self.eof, timeout)
            if rid in self.responses:
                return self.responses.pop(rid)
        if not ok:
            raise TimeoutError(f"no response to request {rid} within {timeout}s")
        raise ServerGone("server closed its output")

    def request(self, method: str, params: Any, timeout: float) -> tuple[float, Any]:
        """Sends a request, waits for its response; returns (latency seconds, result)."""
        rid, t0 = self.send_request(method, params)
        t1, msg = self.wait_response(rid, timeout)
        if "error" in msg:
            raise RuntimeError(f"{method} failed: {msg['error']}")
        return t1 - t0, msg.get("result")

    def drain(self) -> None:
        while True:
            try:
                _, msg = self.notes.get_nowait()
            except queue.Empty:
                return
            if msg is None:
                raise ServerGone("server closed its output")

    def wait_diagnostics(self, uri: str, accept: Callable[[dict], bool], timeout: float) -> tuple[float, dict]:
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no matching publishDiagnostics within {timeout}s")
            try:
                t, msg = self.notes.get(timeout=left)
            except queue.Empty:
                continue
            if msg is None:
                raise ServerGone("server closed its output")
            if msg.get("method") != "textDocument/publishDiagnostics":
                continue
            params = msg.get("params") or {}
            if params.get("uri") == uri and accept(params):
                return t, params

    def quiet(self, seconds: float) -> tuple[int, dict | None]:
        """Lets `seconds` pass, dropping notifications; returns how many publishes were dropped, and the last one."""
        dropped, last = 0, None
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            try:
                _, msg = self.notes.get(timeout=left)
            except queue.Empty:
                break
            if msg is None:
                raise ServerGone("server closed its output")
            if msg.get("method") == "textDocument/publishDiagnostics":
                dropped += 1
                last = msg.get("params")
        return dropped, last

    def close(self, timeout: float) -> dict:
        """shutdown + exit, then SIGKILL of the process group this client started."""
        info = {"clean_exit": False}
        try:
            if not self.eof and self.proc.poll() is None:
                self.request("shutdown", None, timeout)
                self.notify("exit", None)
        except (TimeoutError, ServerGone, RuntimeError) as err:
            info["shutdown_error"] = str(err)
        try:
            self.proc.wait(timeout=timeout)
            info["clean_exit"] = True
            info["exit_code"] = self.proc.returncode
        except subprocess.TimeoutExpired:
            info["killed"] = True
        try:  # the group is the one `start_new_session` made for this server: ours alone
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.reader.join(timeout=2)
        self.stderr_file.close()
        return info


# --------------------------------------------------------------------------------------------
# Scenario
# --------------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    cmd: list[str]
    config: dict[str, Any] = field(default_factory=dict)
    pulls_config: bool = False  # wait for its workspace/configuration pull before didOpen
    env: dict[str, str] = field(default_factory=dict)


def yls_settings(schema_uri: str) -> dict[str, Any]:
    return {
        "yaml": {
            "validate": True,
            "hover": True,
            "completion": True,
            "format": {"enable": False},
            "schemaStore": {"enable": False},
            "schemas": {schema_uri: ["pacto.yaml"]},
            "customTags": [],
        },
        "http": {"proxy": "", "proxyStrictSSL": False},
        "[yaml]": {},
        "editor": {"tabSize": 2, "insertSpaces": True},
    }


def client_capabilities() -> dict:
    return {
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {
            "configuration": True,
            "workspaceFolders": True,
            "didChangeConfiguration": {"dynamicRegistration": True},
            "didChangeWatchedFiles": {"dynamicRegistration": True},
        },
        "textDocument": {
            "synchronization": {"dynamicRegistration": False, "didSave": True},
            "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "completion": {"completionItem": {"snippetSupport": True}, "contextSupport": True},
        },
        "window": {"workDoneProgress": False},
    }


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(values_s: list[float]) -> dict:
    ms = [v * 1000 for v in values_s]
    return {
        "n": len(ms),
        "p50_ms": pct(ms, 50),
        "p95_ms": pct(ms, 95),
        "max_ms": max(ms) if ms else None,
        "mean_ms": statistics.fmean(ms) if ms else None,
    }


def run_scenario(server: Server, doc_path: Path, args: argparse.Namespace, log_dir: Path, tag: str) -> dict:
    text = doc_path.read_text(encoding="utf-8")
    uri = doc_path.resolve().as_uri()
    plan = plan_for(text)
    timeout = args.timeout
    result: dict[str, Any] = {
        "server": server.name,
        "command": server.cmd,
        "document": str(doc_path),
        "lines": text.count("\n"),
        "edits_requested": args.edits,
        "errors": [],
    }
    env = dict(os.environ)
    env.update(server.env)
    stderr_path = log_dir / f"{server.name}-{tag}.stderr.log"
    result["stderr_log"] = str(stderr_path)
    client = LspClient(server.cmd, stderr_path, server.config, env)
    scenario_deadline = time.perf_counter() + args.scenario_timeout
    try:
        root = doc_path.resolve().parent
        init_params = {
            "processId": os.getpid(),
            "clientInfo": {"name": "pacto-lsp-replay", "version": "1"},
            "rootUri": root.as_uri(),
            "rootPath": str(root),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": client_capabilities(),
            "initializationOptions": INIT_OPTIONS,
        }
        rid, _ = client.send_request("initialize", init_params)
        t_init, init_msg = client.wait_response(rid, timeout)
        result["initialize_ms"] = (t_init - client.t_spawn) * 1000
        caps = (init_msg.get("result") or {}).get("capabilities") or {}
        result["server_info"] = (init_msg.get("result") or {}).get("serverInfo")
        sync = caps.get("textDocumentSync")
        sync_kind = sync.get("change", 0) if isinstance(sync, dict) else (sync or 0)
        result["sync_kind"] = {1: "full", 2: "incremental"}.get(sync_kind, str(sync_kind))
        client.notify("initialized", {})
        if server.pulls_config:
            result["config_pulled"] = client.config_pulled.wait(timeout)
            client.quiet(0.3)  # let it apply the settings before the document arrives

        # -- open
        lines = text.split("\n")
        version = 1
        client.drain()
        t_open = client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": version, "text": text}},
        )
        t_diag, params = client.wait_diagnostics(uri, lambda p: True, timeout)
        result["open_to_diagnostics_ms"] = (t_diag - t_open) * 1000
        versioned = "version" in params and params["version"] is not None
        if versioned and params["version"] != version:
            t_diag, params = client.wait_diagnostics(uri, lambda p: p.get("version") == version, timeout)
            result["open_to_diagnostics_ms"] = (t_diag - t_open) * 1000
        result["publishes_version"] = versioned
        result["open_diagnostics"] = len(params.get("diagnostics") or [])
        result["open_diagnostic_messages"] = [d.get("message") for d in (params.get("diagnostics") or [])][:5]
        # Stray publishes after the first (re-validation after settings, a late second pass)
        # must not be mistaken for an edit's answer: let the server settle first.
        result["stray_publishes_after_open"], settled = client.quiet(args.settle)
        # What the document shows once settled (registry findings and migration hints come after the first publish):
        # every deletion must bring it back.
        if settled is not None and settled.get("uri") == uri:
            result["settled_diagnostics"] = len(settled.get("diagnostics") or [])

        # -- typing
        cpu_before = tree_cpu_seconds(client.proc.pid)
        latencies: list[float] = []
        counts: list[int] = []
        timeouts = consecutive = 0
        col = plan.edit_col
        wall0 = time.perf_counter()
        for i in range(args.edits):
            if time.perf_counter() > scenario_deadline:
                result["errors"].append(f"scenario deadline reached after {i} edits")
                break
            insert = i % 2 == 0
            version += 1
            line = plan.edit_line
            if insert:
                change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "x"}
                lines[line] = lines[line] + "x"
            else:
                change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": ""}
                lines[line] = lines[line][:-1]
            if sync_kind == 1:
                change = {"text": "\n".join(lines)}
            client.drain()
            t0 = client.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
            )
            want = version
            accept = (lambda p, want=want: (p.get("version") or 0) >= want) if versioned else (lambda p: True)
            try:
                t1, params = client.wait_diagnostics(uri, accept, timeout)
            except TimeoutError:
                timeouts += 1
                consecutive += 1
                if consecutive >= 3:
                    result["errors"].append(f"3 edits in a row got no diagnostics within {timeout}s; stopped at edit {i + 1}")
                    break
                continue
            consecutive = 0
            latencies.append(t1 - t0)
            counts.append(len(params.get("diagnostics") or []))
        wall = time.perf_counter() - wall0
        cpu_after = tree_cpu_seconds(client.proc.pid)
        done = len(latencies)
        result["edits_measured"] = done
        result["edit_timeouts"] = timeouts
        result["edit"] = summary(latencies)
        result["edit_latencies_ms"] = [round(v * 1000, 4) for v in latencies]
        result["edit_loop_wall_s"] = wall
        result["cpu_edit_loop_s"] = cpu_after - cpu_before
        result["cpu_per_edit_ms"] = (cpu_after - cpu_before) / done * 1000 if done else None
        result["cpu_resolution_per_edit_ms"] = 1000 / CLK_TCK / done if done else None
        base = result.get("settled_diagnostics", result["open_diagnostics"])
        # Toggle check: an inserted character makes `visibility` an invalid enum value (a finding more; for pacto the
        # migration hints of a valid 1.0 contract go with it), the deletion brings the settled list back.
        ins = [c for k, c in enumerate(counts) if k % 2 == 0]
        dels = [c for k, c in enumerate(counts) if k % 2 == 1]
        result["toggle_ok"] = bool(counts) and len(set(ins)) == 1 and ins[0] != base and all(c == base for c in dels)
        result["diagnostics_after_insert"] = sorted(set(ins))
        result["diagnostics_after_delete"] = sorted(set(dels))

        # -- hover and completion
        if args.requests > 0 and time.perf_counter() < scenario_deadline:
            result.update(features(client, uri, plan, lines, version, versioned, sync_kind, caps, args))

        result["peak_rss_mb"] = tree_peak_rss_mb(client.proc.pid)
        result.update(tree_status(client.proc.pid))
        result["server_requests"] = dict(client.server_requests)
    except (TimeoutError, ServerGone, RuntimeError) as err:
        result["errors"].append(f"{type(err).__name__}: {err}")
        try:
            result.setdefault("peak_rss_mb", tree_peak_rss_mb(client.proc.pid))
        except Exception:
            pass
    finally:
        result["close"] = client.close(min(timeout, 5.0))
    return result


def features(client, uri, plan, lines, version, versioned, sync_kind, caps, args) -> dict:
    out: dict[str, Any] = {}
    timeout = args.timeout
    # An empty line at the end of the interface item, indented like its keys: where a user
    # would ask for the next key. Applied as one more edit; its diagnostics are awaited.
    version += 1
    at = plan.blank_after_line
    end_col = len(lines[at])
    insert = "\n" + " " * plan.blank_indent
    change = {"range": {"start": {"line": at, "character": end_col}, "end": {"line": at, "character": end_col}}, "text": insert}
    lines[at:at + 1] = [lines[at], " " * plan.blank_indent]
    if sync_kind == 1:
        change = {"text": "\n".join(lines)}
    client.drain()
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
    want = version
    client.wait_diagnostics(uri, (lambda p: (p.get("version") or 0) >= want) if versioned else (lambda p: True), timeout)
    client.quiet(args.settle)
    blank = (at + 1, plan.blank_indent)

    def pos(p):
        return {"textDocument": {"uri": uri}, "position": {"line": p[0], "character": p[1]}}

    def measure(method: str, positions: dict[str, tuple[int, int]], size: Callable[[Any], int]) -> dict:
        per: dict[str, list[float]] = {k: [] for k in positions}
        sizes: dict[str, int] = {}
        errors = 0
        names = list(positions)
        for i in range(args.requests):
            name = names[i % len(names)]
            params = pos(positions[name])
            if method == "textDocument/completion":
                params["context"] = {"triggerKind": 1}
            try:
                dt, res = client.request(method, params, timeout)
            except (TimeoutError, RuntimeError):
                errors += 1
                if errors >= 3:
                    break
                continue
            per[name].append(dt)
            sizes[name] = size(res)
        every = [v for vs in per.values() for v in vs]
        return {
            **summary(every),
            "errors": errors,
            "positions": {k: {"line": v[0], "character": v[1], **summary(per[k]), "result_size": sizes.get(k)} for k, v in positions.items()},
        }

    def hover_size(res):
        if not res:
            return 0
        c = res.get("contents")
        if isinstance(c, dict):
            return len(c.get("value", ""))
        if isinstance(c, list):
            return sum(len(x if isinstance(x, str) else x.get("value", "")) for x in c)
        return len(c or "")

    def completion_size(res):
        if res is None:
            return 0
        items = res.get("items", []) if isinstance(res, dict) else res
        return len(items)

    if caps.get("hoverProvider"):
        out["hover"] = measure("textDocument/hover", {"key": plan.hover_key, "enum_value": plan.hover_enum}, hover_size)
    if caps.get("completionProvider"):
        out["completion"] = measure(
            "textDocument/completion", {"empty_line_in_interface": blank, "value_after_type": plan.completion_value}, completion_size
        )
    return out


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def fmt(v, digits=2) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def ratio(a, b) -> str:
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or b == 0:
        return "-"
    return f"{a / b:.1f}x"


def rows_for(r: dict) -> dict[str, Any]:
    get = lambda *ks: _dig(r, ks)  # noqa: E731
    return {
        "start -> initialize (ms)": get("initialize_ms"),
        "didOpen -> first diagnostics (ms)": get("open_to_diagnostics_ms"),
        "per-edit p50 (ms)": get("edit", "p50_ms"),
        "per-edit p95 (ms)": get("edit", "p95_ms"),
        "per-edit max (ms)": get("edit", "max_ms"),
        "CPU per edit (ms)": get("cpu_per_edit_ms"),
        "peak RSS (MB)": get("peak_rss_mb"),
        "RSS at end (MB) / threads": None if get("rss_now_mb") is None else f"{get('rss_now_mb'):.2f} / {get('threads')}",
        "hover p50 (ms)": get("hover", "p50_ms"),
        "hover p95 (ms)": get("hover", "p95_ms"),
        "completion p50 (ms)": get("completion", "p50_ms"),
        "completion p95 (ms)": get("completion", "p95_ms"),
    }


def _dig(d, keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def print_table(doc_label: str, results: dict[str, dict]) -> None:
    names = list(results)
    rows = {n: rows_for(results[n]) for n in names}
    metrics = list(next(iter(rows.values())).keys())
    headers = ["metric"] + names + (["yls / pacto"] if "pacto" in names and "yls" in names else [])
    table = []
    for m in metrics:
        line = [m] + [fmt(rows[n][m], 3 if m.startswith("CPU") else 2) for n in names]
        if len(headers) > len(names) + 1:
            line.append(ratio(rows["yls"][m], rows["pacto"][m]))
        table.append(line)
    facts = [
        ("edits measured / timeouts", lambda r: f"{r.get('edits_measured', 0)}/{r.get('edit_timeouts', 0)}"),
        ("diagnostics at open", lambda r: fmt(r.get("open_diagnostics"))),
        ("diagnostics once settled", lambda r: fmt(r.get("settled_diagnostics"))),
        ("diagnostics after insert / delete", lambda r: f"{r.get('diagnostics_after_insert')}/{r.get('diagnostics_after_delete')}"),
        ("toggle check (every edit answered)", lambda r: fmt(r.get("toggle_ok"))),
        ("publishes version", lambda r: fmt(r.get("publishes_version"))),
        ("hover / completion result sizes", lambda r: _sizes(r)),
    ]
    for label, f in facts:
        table.append([label] + [f(results[n]) for n in names] + ([""] if len(headers) > len(names) + 1 else []))
    widths = [max(len(str(row[i])) for row in table + [headers]) for i in range(len(headers))]
    print(f"\n== {doc_label} ==")
    print("  ".join(h.ljust(widths[i]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(headers)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(row)).rstrip())
    for n in names:
        for err in results[n].get("errors", []):
            print(f"  ! {n}: {err}")


def _sizes(r: dict) -> str:
    parts = []
    for feat in ("hover", "completion"):
        pos = _dig(r, (feat, "positions")) or {}
        parts.append(",".join(str(v.get("result_size")) for v in pos.values()) or "-")
    return " / ".join(parts)


def check_targets(results: dict) -> list[dict]:
    ex, lg = results.get("example", {}).get("pacto"), results.get("large", {}).get("pacto")
    checks = []

    def add(name, value, limit, unit):
        status = "MISS" if value is None or value > limit else "PASS"
        checks.append({"target": name, "value": value, "limit": limit, "unit": unit, "status": status})

    if ex:
        add("per-edit p50, example (67 lines)", _dig(ex, ("edit", "p50_ms")), TARGETS["edit_p50_example_ms"], "ms")
        add("start -> initialize, example run", ex.get("initialize_ms"), TARGETS["initialize_ms"], "ms")
    if lg:
        add(f"per-edit p50, generated ({lg.get('lines')} lines)", _dig(lg, ("edit", "p50_ms")), TARGETS["edit_p50_large_ms"], "ms")
        add(f"per-edit p95, generated ({lg.get('lines')} lines)", _dig(lg, ("edit", "p95_ms")), TARGETS["edit_p95_large_ms"], "ms")
        add("start -> initialize, generated run", lg.get("initialize_ms"), TARGETS["initialize_ms"], "ms")
        add("peak RSS, generated contract open", lg.get("peak_rss_mb"), TARGETS["rss_large_mb"], "MB")
        add("hover p50, generated", _dig(lg, ("hover", "p50_ms")), TARGETS["hover_p50_large_ms"], "ms")
        add("completion p50, generated", _dig(lg, ("completion", "p50_ms")), TARGETS["completion_p50_large_ms"], "ms")
    return checks


def print_targets(checks: list[dict]) -> None:
    print("\n== pacto targets ==")
    for c in checks:
        v = "-" if c["value"] is None else f"{c['value']:.2f} {c['unit']}"
        extra = ""
        if c["status"] == "MISS" and c["value"] is not None:
            extra = f"  (over by {c['value'] - c['limit']:.2f} {c['unit']}, {c['value'] / c['limit']:.1f}x the limit)"
        print(f"  {c['status']}  {c['target']}: {v} (target <= {c['limit']:g} {c['unit']}){extra}")


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def _git_head() -> str | None:
    try:  # read-only
        out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def symbol_order_found(binary: Path) -> tuple[int, int, float] | None:
    """How many of the functions the release link orders the binary has, and the MB of code they span: a stale list,
    or a link that did not apply it (span near the whole `.text`), costs resident memory."""
    listed = REPO / "server/cli/symbol-order.txt"
    try:
        out = subprocess.run(["nm", "--defined-only", str(binary)], capture_output=True, text=True, timeout=60).stdout
        names = set(listed.read_text().split())
    except (OSError, subprocess.SubprocessError):
        return None
    found = {}
    for line in out.splitlines():
        parts = line.split(" ")
        if len(parts) == 3 and parts[2] in names:
            found[parts[2]] = int(parts[0], 16)
    span = (max(found.values()) - min(found.values())) / 1e6 if found else 0.0
    return len(found), len(names), span


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pacto", default=str(REPO / "target/release/pacto"), help="pacto binary (run as `<bin> lsp`)")
    ap.add_argument("--yls", default=str(BENCH_DIR / "node_modules/yaml-language-server/bin/yaml-language-server"),
                    help="yaml-language-server entry script (run as `node <script> --stdio`)")
    ap.add_argument("--node", default="node", help="node executable for yaml-language-server")
    ap.add_argument("--pacto-only", action="store_true", help="skip yaml-language-server")
    ap.add_argument("--schema", default=str(REPO / "schemas/pacto-v1.0.schema.json"), help="JSON Schema for yaml-language-server")
    ap.add_argument("--example", default=str(REPO / "examples/payments-api/pacto.yaml"), help="the small document")
    ap.add_argument("--docs", default="example,large", help="comma list of: example, large")
    ap.add_argument("--large-lines", type=int, default=5000, help="lines of the generated contract")
    ap.add_argument("--edits", type=int, default=200, help="single-character edits per document")
    ap.add_argument("--requests", type=int, default=100, help="hover and completion requests each (0: skip)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds any single wait may take")
    ap.add_argument("--settle", type=float, default=0.5, help="quiet seconds after open before typing")
    ap.add_argument("--scenario-timeout", type=float, default=600.0, help="seconds one server/document run may take")
    ap.add_argument("--workdir", help="where the generated bundle goes (default: a temp dir, removed)")
    ap.add_argument("--log-dir", default=str(BENCH_DIR / "results"), help="servers' stderr logs go here")
    ap.add_argument("--json-out", help="write all results as JSON here")
    ap.add_argument("--no-validate-generated", action="store_true", help="do not run `pacto validate` on the generated bundle")
    ap.add_argument("--strict", action="store_true", help="exit 1 when pacto misses a target")
    ap.add_argument("--init-options", help='JSON initializationOptions for the servers, e.g. \'{"migration": {"hint": false}}\'')
    args = ap.parse_args()
    global INIT_OPTIONS
    INIT_OPTIONS = json.loads(args.init_options) if args.init_options else None

    log_dir = Path(args.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    servers = [Server("pacto", [args.pacto, "lsp"])]
    if not Path(args.pacto).is_file():
        print(f"pacto binary not found: {args.pacto} (cargo build --release -p pacto)", file=sys.stderr)
        return 2
    if not args.pacto_only:
        if not Path(args.yls).is_file():
            print(f"yaml-language-server not found: {args.yls} (npm ci --prefix bench)", file=sys.stderr)
            return 2
        schema_uri = Path(args.schema).resolve().as_uri()
        servers.append(Server("yls", [args.node, args.yls, "--stdio"], yls_settings(schema_uri), pulls_config=True))

    meta_order = symbol_order_found(Path(args.pacto))
    if meta_order:
        print(f"symbol order: {meta_order[0]:,} of the {meta_order[1]:,} functions server/cli/symbol-order.txt lists "
              f"are in {args.pacto}, within {meta_order[2]:.2f} MB of code (bench/symbol_order.py)")

    tmp = None
    workdir = Path(args.workdir) if args.workdir else Path(tmp := tempfile.mkdtemp(prefix="pacto-lsp-bench-"))
    meta: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host": {"nproc": os.cpu_count(), "python": sys.version.split()[0], "loadavg_start": os.getloadavg()},
        "edits": args.edits,
        "requests": args.requests,
        "targets": TARGETS,
        "commit": _git_head(),
        "symbol_order_found": meta_order,
    }
    results: dict[str, dict[str, dict]] = {}
    try:
        docs: dict[str, tuple[str, Path]] = {}
        for name in [d.strip() for d in args.docs.split(",") if d.strip()]:
            if name == "example":
                p = Path(args.example).resolve()
                docs[name] = (f"example {p.relative_to(REPO) if p.is_relative_to(REPO) else p} ({p.read_text().count(chr(10))} lines)", p)
            elif name == "large":
                text, files = generate_contract(args.large_lines)
                p = write_bundle(workdir / "large", text, files)
                docs[name] = (f"generated contract ({text.count(chr(10))} lines, {len(files)} interfaces)", p)
                if not args.no_validate_generated:
                    v = subprocess.run([args.pacto, "validate", str(p.parent)], capture_output=True, text=True, timeout=60)
                    meta["generated_validate"] = {"exit_code": v.returncode, "output": (v.stdout + v.stderr).strip()[-2000:]}
                    print(f"pacto validate {p.parent}: exit {v.returncode}: {(v.stdout + v.stderr).strip()[:300]}")
                    if v.returncode != 0:
                        print("the generated contract is not valid for pacto", file=sys.stderr)
                        return 2
            else:
                print(f"unknown document: {name}", file=sys.stderr)
                return 2
        for doc, (label, path) in docs.items():
            results[doc] = {}
            for server in servers:
                print(f"running {server.name} on {label} ...", file=sys.stderr, flush=True)
                results[doc][server.name] = run_scenario(server, path, args, log_dir, doc)
            print_table(label, results[doc])
        checks = check_targets(results)
        print_targets(checks)
        meta["loadavg_end"] = os.getloadavg()
        if args.json_out:
            Path(args.json_out).write_text(json.dumps({"meta": meta, "results": results, "targets": checks}, indent=2))
            print(f"\nresults written to {args.json_out}")
        failed = any(r.get("errors") for d in results.values() for r in d.values())
        if failed:
            return 2
        if args.strict and any(c["status"] == "MISS" for c in checks):
            return 1
        return 0
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
