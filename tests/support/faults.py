"""Fault injection in front of a real node: requests go to the node, and a hook may
rewrite its answer or act (stop the node, reorganise it) between requests.

This is the one place tests put something between the code and a node; the node
still does the work, so the code under test meets real answers plus one fault.
"""

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from chains.evidence import Record

# (request number from 1, parsed request, parsed answer) -> answer to hand back
Rewrite = Callable[[int, Any, Any], Any]
# (request number from 1, parsed request) -> None; runs before the request is sent
Before = Callable[[int, Any], None]


class Intercept(httpx.BaseTransport):
    def __init__(self, rewrite: Rewrite | None = None, before: Before | None = None) -> None:
        self._inner = httpx.HTTPTransport()
        self._rewrite = rewrite
        self._before = before
        self.count = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        body = json.loads(request.read())
        if self._before:
            self._before(self.count, body)
        response = self._inner.handle_request(request)
        raw = response.read()
        if self._rewrite is None or response.status_code != 200:
            return httpx.Response(response.status_code, content=raw, request=request)
        answer = self._rewrite(self.count, body, json.loads(raw))
        return httpx.Response(200, content=json.dumps(answer).encode(), request=request)


def rehashed(record: Record, answer: bytes) -> Record:
    """`record` with another answer and that answer's sha256: a bundle edited with
    care, which loads, so that what the replay makes of the lie is what is tested."""
    return Record.of(
        endpoint=record.endpoint,
        http_method=record.http_method,
        path=record.path,
        request=record.request,
        block_hash=record.block_hash,
        status=record.status,
        answer=answer,
    )


def methods(body: Any) -> list[str]:
    """The JSON-RPC methods in a single or batch request."""
    return [c["method"] for c in (body if isinstance(body, list) else [body])]


@contextlib.contextmanager
def lying_proxy(upstream: str, rewrite: Rewrite) -> Iterator[str]:
    """An HTTP endpoint on 127.0.0.1 that forwards JSON-RPC to `upstream` and rewrites
    the answers: a second node that lies, for end-to-end cross-check tests."""
    forward = Intercept(rewrite=rewrite)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            headers = {"content-type": "application/json"}
            request = httpx.Request("POST", upstream, content=body, headers=headers)
            answer = forward.handle_request(request)
            self.send_response(answer.status_code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
