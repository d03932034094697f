"""A tiny HTTP proxy in front of the real udata that counts requests and injects faults
(503, connection reset, timeout) on chosen requests. udata's own behaviour stays real: in the
``*_after`` modes the request reaches udata and is fully processed, only the answer is lost."""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "host"}


@dataclass
class Fault:
    method: str
    path_contains: str
    mode: str  # "503" (not forwarded), "503_after", "reset_after", "timeout_after"
    delay: float = 0.0
    times: int = 1


class FaultProxy:
    def __init__(self, upstream: str):
        self.upstream = urlsplit(upstream)
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, int]] = []  # (method, path, status or -1)
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                proxy.handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def inject(self, method: str, path_contains: str, mode: str, delay: float = 0.0) -> Fault:
        fault = Fault(method, path_contains, mode, delay)
        with self.lock:
            self.faults.append(fault)
        return fault

    def count(self, *methods: str) -> int:
        return sum(1 for m, _, _ in self.log if not methods or m in methods)

    def reset_log(self) -> None:
        with self.lock:
            self.log.clear()

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times and fault.method == method and fault.path_contains in path:
                    fault.times -= 1
                    return fault
        return None

    def handle(self, req: BaseHTTPRequestHandler) -> None:
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else None
        fault = self._take_fault(req.command, req.path)
        if fault and fault.mode == "503":
            self._record(req, 503)
            self._send(req, 503, {"Retry-After": "0", "Content-Type": "text/plain"}, b"busy")
            return
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=120)
        headers = {k: v for k, v in req.headers.items() if k.lower() not in HOP_HEADERS}
        headers["Host"] = self.upstream.netloc
        conn.request(req.command, req.path, body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        if fault is None:
            self._record(req, response.status)
            out = {k: v for k, v in response.getheaders() if k.lower() not in HOP_HEADERS}
            self._send(req, response.status, out, payload)
            return
        self._record(req, -1)
        if fault.mode == "503_after":
            self._send(req, 503, {"Content-Type": "text/plain"}, b"upstream failed")
        elif fault.mode == "reset_after":
            req.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            req.close_connection = True
            req.connection.close()
        elif fault.mode == "timeout_after":
            time.sleep(fault.delay)
            req.close_connection = True

    def _record(self, req, status: int) -> None:
        with self.lock:
            self.log.append((req.command, req.path, status))

    @staticmethod
    def _send(req, status: int, headers: dict, payload: bytes) -> None:
        req.send_response(status)
        for key, value in headers.items():
            if key.lower() != "content-length":
                req.send_header(key, value)
        req.send_header("Content-Length", str(len(payload)))
        req.end_headers()
        if req.command != "HEAD":
            req.wfile.write(payload)
