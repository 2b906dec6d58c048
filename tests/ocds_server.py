"""A local HTTP server for the OCDS audit tests: documents of our own on 127.0.0.1, and ways to fail.

Each route is a ``Route``: a status, a body, headers (``ETag`` / ``Last-Modified`` are honoured
with 304 on a matching conditional request), an optional delay before the answer, and an
optional list of statuses to answer first (``fail_first=[503]`` answers 503 once, then the
route; ``(429, {"Retry-After": "1"})`` answers with headers). The server counts requests and bodies per path. It listens on 127.0.0.1 only, in a
daemon thread, and stops at the end of the ``with`` block (a delayed answer is cut short).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    content_length: bool = True
    fail_first: list = field(default_factory=list)


class DocumentServer:
    def __init__(self, routes: dict[str, Route]):
        self.routes = routes
        self.requests: Counter = Counter()
        self.bodies: Counter = Counter()  # 200 answers with a body, per path
        self.not_modified: Counter = Counter()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):  # keep the test output clean
                pass

            def do_GET(self):
                with server.lock:
                    server.requests[self.path] += 1
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay and server.stopping.wait(route.delay):
                    return
                if route.fail_first:
                    with server.lock:
                        status = route.fail_first.pop(0) if route.fail_first else None
                    if status is not None:
                        status, headers = status if isinstance(status, tuple) else (status, {})
                        self.send_response(status)
                        for name, value in headers.items():
                            self.send_header(name, value)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                if route.status != 200:
                    self.send_response(route.status)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag, modified = route.headers.get("ETag"), route.headers.get("Last-Modified")
                if (etag and self.headers.get("If-None-Match") == etag) or \
                        (modified and not etag and self.headers.get("If-Modified-Since") == modified):
                    with server.lock:
                        server.not_modified[self.path] += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                # Counted before the headers go out: a client that stops at the headers (a body
                # announced too large) returns at once, and a count made after end_headers() could
                # land after the test had already reset the counts.
                with server.lock:
                    server.bodies[self.path] += 1
                self.send_response(200)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.content_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> "DocumentServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def reset_counts(self) -> None:
        with self.lock:
            self.requests.clear()
            self.bodies.clear()
            self.not_modified.clear()
