"""A minimal LSP client over stdio for the benchmarks (standard library only): framing, requests,
notifications, and a backlog of messages read while waiting for another. Server requests are
answered with `null` so the server never waits on us."""

import json
import subprocess


class LspClient:
    def __init__(self, pacto, env):
        self.proc = subprocess.Popen([pacto, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.next_id = 0
        self.backlog = []

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        message = json.loads(self.proc.stdout.read(length))
        if "method" in message and "id" in message:
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        return message

    def wait(self, wanted):
        for idx, message in enumerate(self.backlog):
            if wanted(message):
                return self.backlog.pop(idx)
        while True:
            message = self.read()
            if wanted(message):
                return message
            self.backlog.append(message)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m).get("result")
