"""Warnings, errors and status lines on stderr: written plainly where Rich would add no style (a CI log, a pipe), so a
large catalog's hundreds of warnings do not import Rich; styled as Rich styles them where it
would, as Rich decides it (TTY_COMPATIBLE, then FORCE_COLOR, then the stream)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from idp_cli.output import console

# A message that Rich would read as markup and an emoji code: the plain path prints it as is.
MESSAGE = "model [bold]x[/] :smile: has no embedding.dimension"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _warnings(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO) -> str:
    monkeypatch.setattr(sys, "stderr", stream)
    console.reset()  # the Rich console binds the stderr of its first use
    console.warn_all([MESSAGE, "second"])
    console.reset()
    return stream.getvalue()


def test_a_pipe_gets_the_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    assert _warnings(monkeypatch, io.StringIO()) == f"warning: {MESSAGE}\nwarning: second\n"


@pytest.mark.parametrize(
    ("env", "terminal", "styled"),
    [
        ({}, True, True),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": ""}, True, False),
        ({"TTY_COMPATIBLE": "1", "FORCE_COLOR": ""}, False, True),
        ({"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, True, False),
    ],
)
def test_styled_where_rich_styles(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], terminal: bool, styled: bool
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")  # a terminal with colours, whatever runs this
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    written = _warnings(monkeypatch, _Terminal() if terminal else io.StringIO())
    assert ("\x1b[" in written) is styled
    assert "warning:" in written and "second" in written
    if styled:  # Rich's own rendering: the message's brackets escaped, shown as written
        assert "[bold]x[/]" in written
    else:
        assert written == f"warning: {MESSAGE}\nwarning: second\n"


def test_errors_and_their_hints_take_the_same_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    console.error("no such model [x]", hint="Run `idp models list`.")
    console.error("bare")
    assert stream.getvalue() == (
        "error: no such model [x]\nhint: Run `idp models list`.\nerror: bare\n"
    )
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys, "stderr", styled := _Terminal())
    console.reset()
    console.error("no such model [x]", hint="Run `idp models list`.")
    console.reset()
    assert "\x1b[" in styled.getvalue() and "no such model [x]" in styled.getvalue()
    assert "hint:" in styled.getvalue()


class _NoTty:
    """A stream as some embedders set sys.stderr: it writes, it has no `isatty`."""

    def __init__(self) -> None:
        self.written = ""

    def write(self, text: str) -> int:
        self.written += text
        return len(text)

    def flush(self) -> None:
        pass


def test_a_stderr_without_isatty_or_none_at_all_is_no_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    stream = _NoTty()
    monkeypatch.setattr(sys, "stderr", stream)
    console.warn_all(["plain"])
    assert stream.written == "warning: plain\n"
    monkeypatch.setattr(sys, "stderr", None)  # Python started with descriptor 2 closed
    console.warn_all(["lost, not raised"])
    console.error("lost too", hint="and its hint")
    console.write_err("Left out to fit ...\n")
    assert not console.is_tty(None)
    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "stderr", closed)
    console.warn_all(["nowhere to go"])
    assert not console.is_tty(closed)


def _idp_closing(
    tmp_path: Path, closed: str, args: list[str], colour: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`idp ARGS` in a fresh process with `closed` (`>&-` or `2>&-`) closing that stream, the
    other one captured, colour forced only as `colour` says."""
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR")}
    env.update(colour or {}, IDP_CACHE_DIR=str(tmp_path), IDP_CONFIG_FILE=str(tmp_path / "none"))
    return subprocess.run(
        ["sh", "-c", f'exec "$0" -m idp_cli "$@" {closed}', sys.executable, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.mark.parametrize("colour", [{}, {"FORCE_COLOR": "1"}, {"TTY_COMPATIBLE": "1"}])
@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["catalog", "validate"], 0),  # its status line and warnings go to stderr
        (["models", "list", "--catalog", "/nonexistent", "-o", "json"], 1),  # an error + hint
    ],
)
def test_with_stderr_closed_nothing_lands_on_stdout(
    tmp_path: Path, colour: dict[str, str], args: list[str], status: int
) -> None:
    """`idp ... 2>&-`: what goes to stderr has nowhere to go, whatever forces colour (Rich,
    given no stderr, would write to stdout, into the command's output); the status stays."""
    done = _idp_closing(tmp_path, "2>&-", args, colour)
    assert done.returncode == status
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("args", "status"),
    [(["models", "list"], 0), (["models", "list", "--catalog", "/nonexistent"], 1)],
)
def test_with_stdout_closed_the_command_still_runs_to_its_status(
    tmp_path: Path, args: list[str], status: int
) -> None:
    """`idp ... >&-`: the table has nowhere to go; no traceback, the status stays, and what
    goes to stderr still does."""
    done = _idp_closing(tmp_path, ">&-", args)
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    assert ("error:" in done.stderr) is (status != 0)
