"""What every idp service logs, counts and traces; shared by the services idp generates.

- **Request ids**: each request runs with an id, the caller's ``X-Request-ID`` when it sends a
  sane one, else a new one. It is answered in ``X-Request-ID``, written in every log line and
  sent upstream (``instrument_http_client``), so one id follows a request through the services.
- **JSON logs**: ``configure_logging()`` makes every log line one JSON object on stderr
  (``time``, ``level``, ``logger``, ``message``, ``request_id``, ``trace_id`` and ``span_id``
  when tracing, and the record's extras); the service writes one ``access`` line per request.
- **Prometheus metrics** (:class:`Metrics`, one registry per app, served on ``/metrics``):
  ``http_server_requests_total``, ``http_server_request_duration_seconds``,
  ``model_upstream_requests_total``, ``model_upstream_request_duration_seconds``,
  ``model_upstream_retries_total``, ``model_upstream_errors_total``, ``model_upstream_ready``;
  apps add their own on
  ``Metrics.registry`` (the chat service counts tokens).
- **OpenTelemetry tracing** of the app and of its ``httpx`` client, only when
  ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the standard ``OTEL_*`` variables configure the
  exporter). The OpenTelemetry packages are imported then and only then, so a service without
  tracing never loads them.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import Any

import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REQUEST_ID_HEADER = "X-Request-ID"
# What a caller's id may look like: anything else (too long, odd characters that could forge
# log lines) is replaced by a new id.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
_request_id: ContextVar[str] = ContextVar("request_id", default="")

# The attributes every LogRecord has; anything else on a record was passed as ``extra=``
# (but uvicorn's ``color_message``, the message again with terminal colours).
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "color_message",
}


def request_id_from(header: str | None) -> str:
    """The caller's request id if it is sane, else a new one."""
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str:
    """The id of the request being served ("" outside a request)."""
    return _request_id.get()


def set_request_id(value: str) -> Any:
    """Make ``value`` the current request id; returns the token that resets it."""
    return _request_id.set(value)


def reset_request_id(token: Any) -> None:
    _request_id.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the current request id and the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        entry.update(_trace_ids())
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime


def _trace_ids() -> dict[str, str]:
    """The current trace and span ids, when a span is being recorded (tracing is on), so that
    log lines and traces can be joined."""
    trace = sys.modules.get("opentelemetry.trace")  # never imported here just for this
    if trace is None:
        return {}
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {"trace_id": f"{context.trace_id:032x}", "span_id": f"{context.span_id:016x}"}


def configure_logging(level: str | None = None) -> None:
    """Every logger (uvicorn's too) writes JSON lines to stderr at ``level`` (``LOG_LEVEL``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel((level or os.environ.get("LOG_LEVEL") or "info").upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


class Metrics:
    """The service's Prometheus metrics, in a registry of its own (one per app, so that tests
    and several apps in one process do not collide)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.requests = Counter(
            "http_server_requests",
            "Requests answered, by method, route template and status code.",
            ["method", "route", "status_code"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_server_request_duration_seconds",
            "Time to answer a request (to the end of its body), by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.upstream_requests = Counter(
            "model_upstream_requests",
            "Requests to the model server, by the status code it answered.",
            ["status_code"],
            registry=self.registry,
        )
        self.upstream_latency = Histogram(
            "model_upstream_request_duration_seconds",
            "Time until the model server's answer headers arrived.",
            registry=self.registry,
        )
        self.upstream_retries = Counter(
            "model_upstream_retries",
            "Requests to the model server that were retries of a failed one.",
            registry=self.registry,
        )
        self.upstream_errors = Counter(
            "model_upstream_errors",
            "Calls to the model server that failed for good, by kind "
            "(timeout, unreachable, refused, unreadable).",
            ["kind"],
            registry=self.registry,
        )
        self.upstream_ready = Gauge(
            "model_upstream_ready",
            "1 when the last readiness check found the model server ready, else 0.",
            registry=self.registry,
        )


def _attempt(request: httpx.Request) -> int:
    """Which attempt a request is: the generated clients mark retries in the request's
    extensions, the ``openai`` SDK in its ``X-Stainless-Retry-Count`` header."""
    marked = request.extensions.get("retry_attempt")
    if isinstance(marked, int):
        return marked
    header = request.headers.get("x-stainless-retry-count", "0")
    return int(header) if header.isdigit() else 0


def instrument_http_client(client: httpx.AsyncClient, metrics: Metrics) -> None:
    """Count and time the requests ``client`` sends, and pass the request id upstream."""

    async def on_request(request: httpx.Request) -> None:
        request_id = current_request_id()
        if request_id:
            request.headers[REQUEST_ID_HEADER] = request_id
        request.extensions["started"] = time.perf_counter()
        if _attempt(request) > 0:
            metrics.upstream_retries.inc()

    async def on_response(response: httpx.Response) -> None:
        metrics.upstream_requests.labels(str(response.status_code)).inc()
        started = response.request.extensions.get("started")
        if isinstance(started, float):
            metrics.upstream_latency.observe(time.perf_counter() - started)

    hooks = client.event_hooks
    client.event_hooks = {
        "request": [*hooks.get("request", []), on_request],
        "response": [*hooks.get("response", []), on_response],
    }


def tracing_enabled(environ: dict[str, str] | None = None) -> bool:
    """Whether traces are to be exported: only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set."""
    env = os.environ if environ is None else environ
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip())


def setup_tracing(
    app: Any, client: httpx.AsyncClient | None, service_name: str, exporter: Any = None
) -> Any:
    """Trace ``app`` (FastAPI) and ``client`` (httpx) with OpenTelemetry; returns the tracer
    provider, or None when tracing is off.

    ``exporter`` defaults to OTLP over HTTP (configured by the ``OTEL_EXPORTER_OTLP_*``
    variables); tests pass an in-memory one. The global tracer provider is left alone.
    """
    if exporter is None and not tracing_enabled():
        return None
    # Imported here: a service that does not trace never loads OpenTelemetry.
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": service_name}
    provider = TracerProvider(resource=Resource.create(attributes))
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=provider, excluded_urls="livez,readyz,metrics"
    )
    if client is not None:
        HTTPXClientInstrumentor.instrument_client(client, tracer_provider=provider)
    return provider
