"""A stand-in for a forge's REST API (GitHub's pulls, GitLab's merge requests) and for
Pipelines as Code's incoming webhook, on a local port: test_tekton_steps_run.py points the
generated steps at it, and it records each request as the steps sent it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Forge:
    url: str
    open_requests: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    refuse: int | None = None
    """An HTTP status to answer every change (POST, PUT, PATCH) with."""


@contextmanager
def fake_forge(
    open_requests: list[dict[str, Any]] | None = None, refuse: int | None = None
) -> Iterator[Forge]:
    """Answers a GET with `open_requests` (the search for an open request), anything else
    with a new request numbered 9, as GitHub and GitLab answer (or with `refuse`)."""
    forge = Forge("", list(open_requests or []), refuse=refuse)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            url = urlsplit(self.path)
            forge.requests.append(
                Request(
                    self.command,
                    url.path,
                    parse_qs(url.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    json.loads(raw) if raw else None,
                )
            )
            answer: Any = forge.open_requests if self.command == "GET" else {"number": 9, "iid": 9}
            status = 201 if self.command == "POST" else 200
            if forge.refuse and self.command != "GET":
                answer, status = {"message": "Resource not accessible by token"}, forge.refuse
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    forge.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield forge
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
