"""One error root for everything idp reports to a user; imports nothing heavy."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    INVALID = 3
    UNTRUSTED = 4
    DRIFT = 5
    CONFLICT = 6
    INTERRUPTED = 130


class IdpError(Exception):
    """An expected failure: a message for the user, what to do next, and the exit code."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class CatalogError(IdpError):
    """The catalog could not be read (missing file, broken YAML, unreachable repository)."""


class CatalogInvalid(IdpError):
    """The catalog was read but breaks the format's rules; carries every problem found."""

    exit_code = ExitCode.INVALID

    def __init__(self, problems: list[Problem], *, hint: str | None = None) -> None:
        first = problems[0].render() if problems else "the catalog is invalid"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{first}{more}",
            hint=hint or "Run `idp catalog validate` to see every problem.",
        )
        self.problems = problems


class NotFound(IdpError):
    """A name the user gave (model, version, template) does not exist."""


class SourceError(IdpError):
    """A git source or ref could not be reached or resolved."""


class Problem:
    """One located finding in a catalog: where, which field, what is wrong."""

    __slots__ = ("column", "file", "line", "message", "path")

    def __init__(self, file: str, line: int, column: int, path: str, message: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message

    def render(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
        }
