"""What every chat client shares, whatever the protocol: its surface, its results, errors and
streams."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

import httpx

from .config import Settings


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


@dataclass(frozen=True)
class ChatResult:
    """A complete answer; the token counts when the server gives them."""

    content: str
    model: str
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True)
class HealthStatus:
    """What the model server said to a health probe."""

    url: str
    status_code: int
    model_listed: bool | None = None


class ChatStream:
    """An answer as the model writes it: ``async for piece in stream``. Once it has ended,
    ``finish_reason`` and the token counts (when the server gives them) are set. ``aclose()``
    (or leaving ``async with``) closes the connection, which stops the model."""

    def __init__(self, pieces: Callable[[ChatStream], AsyncIterator[str]]) -> None:
        self.finish_reason: str | None = None
        self.prompt_tokens: int | None = None
        self.completion_tokens: int | None = None
        self._pieces = pieces(self)

    def __aiter__(self) -> ChatStream:
        return self

    async def __anext__(self) -> str:
        return await self._pieces.__anext__()

    async def aclose(self) -> None:
        close = getattr(self._pieces, "aclose", None)
        if close is not None:
            await close()

    async def __aenter__(self) -> ChatStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


Message = Mapping[str, str]
"""A chat message: ``{"role": "system" | "user" | "assistant", "content": "..."}``."""


class ChatClient(Protocol):
    """The surface every blocking model client offers."""

    settings: Settings

    def complete(
        self,
        messages: Sequence[Message],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> ChatResult: ...

    def chat(
        self,
        messages: Sequence[Message],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> str: ...

    def stream(
        self,
        messages: Sequence[Message],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> Iterator[str]: ...

    def check(self) -> HealthStatus: ...

    def close(self) -> None: ...


def messages_json(messages: Sequence[Message]) -> list[dict[str, str]]:
    return [{"role": m["role"], "content": m["content"]} for m in messages]


def retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None


ENDED_EARLY = "the model server ended the stream before the answer"


def error_message(response: httpx.Response) -> str:
    """The server's own words in an error answer: ``{"error": "..."}`` or
    ``{"error": {"message": "..."}}``, else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("error"):
        error = body["error"]
        if isinstance(error, dict):
            return str(error.get("message", error))
        return str(error)
    return response.text[:500] or response.reason_phrase
