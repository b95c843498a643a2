"""How the model client fails: the errors it raises, read from the model server's answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
# Where a Python traceback names its exception, e.g. "ValueError: ..." (frames are indented).
EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(?:Error|Exception)\b")


class ModelError(Exception):
    """The model server could not give an answer.

    ``str(error)`` names the model server's URL, for logs; ``reason`` says the same without
    it, for answers to a service's callers.
    """

    def __init__(self, reason: str, url: str = "") -> None:
        super().__init__(f"{reason} ({url})" if url else reason)
        self.reason = reason


class ModelTimeoutError(ModelError):
    """The model server did not answer in time."""


class ModelUnavailableError(ModelError):
    """The model server could not be reached."""


class ModelResponseError(ModelError):
    """The model server answered with an error status (4xx/5xx) or an unreadable body."""

    def __init__(
        self, message: str, status_code: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.retry_after = retry_after
        """The server's ``Retry-After``, in seconds, when it sent one."""

    @property
    def transient(self) -> bool:
        """Whether the server was overloaded or failing (429/5xx), not refusing the request."""
        return self.status_code in RETRY_STATUS


@dataclass(frozen=True)
class HealthStatus:
    """What the model server said to a readiness probe."""

    url: str
    status_code: int
    ready: bool


def error_message(response: httpx.Response) -> str:
    """The server's own words: oip-v2/kserve {"error": ...}, mlflow {"message": ...}, or the
    exception at the end of a plain-text Python traceback (MLServer answers those to errors
    in the model, e.g. a column it needs and did not get)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("error", "message", "detail"):
            if body.get(key):
                return str(body[key])[:500]
    text = response.text
    if text.startswith("Traceback (most recent call last):"):
        text = _traceback_exception(text) or text
    return text[:500] or response.reason_phrase


def _traceback_exception(text: str) -> str | None:
    """The exception a traceback ends with, on one line (its message may span several)."""
    lines = text.rstrip().splitlines()
    for index in range(len(lines) - 1, 0, -1):
        # Frames are indented; the exception line is not.
        if EXCEPTION_LINE.match(lines[index]):
            return " ".join(" ".join(lines[index:]).split())
    return None


def retry_after(response: httpx.Response | None) -> float:
    value = response.headers.get("Retry-After", "") if response is not None else ""
    return float(value) if value.strip().isdigit() else 0.0
