"""`pacto mcp` round trip (issue #17): the time from writing a `tools/call` of `pacto_validate` on
the example to reading its answer, over stdio, after initialization. Standard library only: the
raw JSON-RPC lines, so only the server is measured, not a client SDK.

Usage: python3 bench/mcp_validate.py [--pacto target/release/pacto] [--runs 200] [--bundle examples/payments-api]
Prints p50, p95 and min in milliseconds; exits 1 when p50 misses the target (5 ms).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

TARGET_P50_MS = 5.0
WARMUP = 10


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pacto", default="target/release/pacto")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--bundle", default="examples/payments-api")
    args = parser.parse_args()
    env = dict(os.environ, PACTO_OFFLINE="1")
    server = subprocess.Popen(
        [args.pacto, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )

    def request(message):
        server.stdin.write((json.dumps(message) + "\n").encode())
        server.stdin.flush()
        if "id" not in message:
            return None
        while True:
            line = server.stdout.readline()
            if not line:
                sys.exit("the server closed its output")
            answer = json.loads(line)
            if answer.get("id") == message["id"]:
                return answer

    request({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
    request({"jsonrpc": "2.0", "method": "notifications/initialized"})
    times = []
    for idx in range(WARMUP + args.runs):
        call = {"jsonrpc": "2.0", "id": idx + 1, "method": "tools/call",
                "params": {"name": "pacto_validate", "arguments": {"path": args.bundle}}}
        started = time.perf_counter()
        answer = request(call)
        elapsed = (time.perf_counter() - started) * 1000
        if answer["result"]["structuredContent"]["Valid"] is not True:
            sys.exit(f"unexpected answer: {answer}")
        if idx >= WARMUP:
            times.append(elapsed)
    server.stdin.close()
    server.wait(timeout=10)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    verdict = "PASS" if p50 <= TARGET_P50_MS else "MISS"
    print(f"pacto_validate round trip over stdio ({args.pacto}, {args.runs} runs): "
          f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, min {times[0]:.2f} ms; target p50 <= {TARGET_P50_MS} ms: {verdict}")
    sys.exit(0 if verdict == "PASS" else 1)


main()
