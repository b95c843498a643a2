"""How every idp service is served; shared by the services idp generates.

``install(app, readiness=...)`` adds, around the app's own routes:

- ``GET /livez``: the process answers (never calls the model server), for liveness probes;
- ``GET /readyz``: whether the model server is ready, asked at most once every
  ``READINESS_CACHE_SECONDS`` (default 5) with a ``READINESS_TIMEOUT`` (default 2 s), so a probe
  costs the model server little and never hangs; 503 when it is not ready;
- ``GET /metrics``: Prometheus metrics (see ``observability.py``);
- request ids and JSON access logs, OpenTelemetry tracing when configured (``observability.py``);
- optional bearer authentication: with ``SERVICE_TOKEN`` set, every request but those to
  ``SERVICE_OPEN_PATHS`` (default ``/livez,/readyz,/metrics``, what the platform's probes and
  Prometheus reach) needs ``Authorization: Bearer <SERVICE_TOKEN>``, else 401;
- a request size limit: a body over ``SERVICE_MAX_BODY_BYTES`` is refused with 413.

No answer names the model server's URL: probes and errors say what failed, the logs say where.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx
from anyio.abc import TaskGroup
from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse, Response, StreamingResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .observability import (
    REQUEST_ID_HEADER,
    Metrics,
    instrument_http_client,
    request_id_from,
    reset_request_id,
    set_request_id,
    setup_tracing,
)

access_log = logging.getLogger("service.access")
PROBE_PATHS = ("/livez", "/readyz", "/metrics")
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s\"'<>]+", re.IGNORECASE)


def without_urls(text: str) -> str:
    """``text`` for a caller: any URL in it (a model server's error message may name its
    own, or a gateway's backends) becomes ``[url]``."""
    return _URL.sub("[url]", text)


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number < 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    return number


@dataclass(frozen=True)
class ServiceSettings:
    """How the service itself is guarded and probed (the model client has its own settings)."""

    token: str | None = field(default=None, repr=False)
    open_paths: tuple[str, ...] = PROBE_PATHS
    max_body_bytes: int = 1_048_576
    readiness_timeout: float = 2.0
    readiness_cache_seconds: float = 5.0

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, max_body_bytes: int = 1_048_576
    ) -> ServiceSettings:
        """Read ``SERVICE_TOKEN``, ``SERVICE_OPEN_PATHS``, ``SERVICE_MAX_BODY_BYTES``,
        ``READINESS_TIMEOUT`` and ``READINESS_CACHE_SECONDS``; ``max_body_bytes`` is the app's
        default limit."""
        env = os.environ if environ is None else environ
        open_paths = env.get("SERVICE_OPEN_PATHS")
        return cls(
            token=env.get("SERVICE_TOKEN", "").strip() or None,
            open_paths=PROBE_PATHS
            if open_paths is None
            else tuple(path.strip() for path in open_paths.split(",") if path.strip()),
            max_body_bytes=int(_number(env, "SERVICE_MAX_BODY_BYTES", max_body_bytes)),
            readiness_timeout=_number(env, "READINESS_TIMEOUT", 2.0) or 2.0,
            readiness_cache_seconds=_number(env, "READINESS_CACHE_SECONDS", 5.0),
        )


@dataclass(frozen=True)
class Readiness:
    """The model server's answer to a readiness check, without its URL."""

    ready: bool
    reason: str = ""
    status_code: int | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        upstream: dict[str, Any] = {"ready": self.ready, **self.details}
        if self.status_code is not None:
            upstream["status_code"] = self.status_code
        if self.reason:
            upstream["reason"] = without_urls(self.reason)
        return upstream


class ReadinessProbe:
    """Runs ``check`` at most once per ``cache_seconds``; concurrent probes share one check.
    A check slower than ``timeout`` is cancelled and counts as not ready."""

    def __init__(
        self,
        check: Callable[[], Awaitable[Readiness]],
        timeout: float,
        cache_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._check = check
        self._timeout = timeout
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._lock = asyncio.Lock()
        self._last: tuple[float, Readiness] | None = None

    async def __call__(self) -> Readiness:
        async with self._lock:
            now = self._clock()
            if self._last is not None and now - self._last[0] < self._cache_seconds:
                return self._last[1]
            try:
                result = await asyncio.wait_for(self._check(), self._timeout)
            except TimeoutError:
                result = Readiness(False, f"no answer within {self._timeout:g} s")
            self._last = (self._clock(), result)
            return result


class DisconnectAwareStreamingResponse(StreamingResponse):
    """A stream that stops, and closes its iterator (so the upstream call is cancelled), as
    soon as the caller goes away, whatever the ASGI server's spec version."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def stream(group: TaskGroup) -> None:
            with contextlib.suppress(OSError):  # the caller is gone
                await self.stream_response(send)
            group.cancel_scope.cancel()

        try:
            async with anyio.create_task_group() as group:
                group.start_soon(stream, group)
                await self.listen_for_disconnect(receive)
                group.cancel_scope.cancel()
        finally:
            close = getattr(self.body_iterator, "aclose", None)
            if close is not None:
                with anyio.CancelScope(shield=True):
                    await close()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def _answer(send: Send, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
    response = JSONResponse(body, status_code=status, headers=headers)
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


class ServiceMiddleware:
    """Request id, access log and metrics around every request; then the bearer token and the
    body size limit. A plain ASGI middleware, so streamed answers are not buffered."""

    def __init__(self, app: ASGIApp, settings: ServiceSettings, metrics: Metrics) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self._token = settings.token.encode() if settings.token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(_header(scope, b"x-request-id"))
        token = set_request_id(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self._guarded(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(elapsed)
            if scope["path"] not in PROBE_PATHS or status >= 400:
                access_log.info(
                    "%s %s %s",
                    method,
                    scope["path"],
                    status,
                    extra={
                        "request_id": request_id,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 1),
                    },
                )
            reset_request_id(token)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._token is not None and scope["path"] not in self.settings.open_paths:
            given = _header(scope, b"authorization") or ""
            scheme, _, credentials = given.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                credentials.strip().encode(), self._token
            ):
                await _answer(
                    send,
                    401,
                    {"detail": "a valid bearer token is required (Authorization: Bearer ...)"},
                    {"WWW-Authenticate": "Bearer"},
                )
                return
        limit = self.settings.max_body_bytes
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _answer(send, 413, {"detail": f"the request body is over {limit} bytes"}, {})
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # answered by FastAPI's own handler, as the app is reading the body
                    raise HTTPException(413, f"the request body is over {limit} bytes")
            return message

        await self.app(scope, limited_receive, send)


def install(
    app: FastAPI,
    *,
    readiness: Callable[[], Awaitable[Readiness]],
    settings: ServiceSettings,
    http_client: httpx.AsyncClient | None = None,
    metrics: Metrics | None = None,
    describe: Callable[[], dict[str, Any]] = dict,
    trace_exporter: Any = None,
) -> Metrics:
    """Add the probes, ``/metrics``, the middleware and tracing to ``app``; returns its metrics.

    ``readiness`` asks the model server (cached by :class:`ReadinessProbe`); ``http_client`` is
    the client that calls it, counted and traced; ``describe`` gives what the probes say about
    the service (e.g. the model ref).
    """
    metrics = metrics or Metrics()
    probe = ReadinessProbe(readiness, settings.readiness_timeout, settings.readiness_cache_seconds)
    if http_client is not None:
        instrument_http_client(http_client, metrics)
    app.state.metrics = metrics
    app.state.service_settings = settings
    app.state.readiness = probe

    @app.get("/livez", tags=["probes"])
    async def livez() -> dict[str, str]:
        """The process answers; the model server is not asked."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["probes"])
    async def readyz() -> JSONResponse:
        """Whether the model server is ready (checked at most every few seconds)."""
        result = await probe()
        metrics.upstream_ready.set(1 if result.ready else 0)
        body = {
            "status": "ready" if result.ready else "unavailable",
            **describe(),
            "upstream": result.body(),
        }
        return JSONResponse(body, status_code=200 if result.ready else 503)

    @app.get("/metrics", tags=["probes"], include_in_schema=False)
    async def metrics_page() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(ServiceMiddleware, settings=settings, metrics=metrics)
    setup_tracing(app, http_client, app.title, exporter=trace_exporter)
    return metrics
