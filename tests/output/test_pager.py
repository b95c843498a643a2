"""`idp models show` on a terminal: a card longer than the screen goes through the pager
(IDP_PAGER, else PAGER), never with --no-pager, a short one or a pipe."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shlex
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

DEADLINE_S = 60


def _show_on_a_terminal(
    tmp_path: Path, *args: str, rows: int, env: dict[str, str]
) -> tuple[int, str]:
    """`idp models show ARGS` with stdout on a pseudo-terminal of `rows` x 100."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 100, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "PAGER")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "idp_cli", "models", "show", *args],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=child,
        env={**environ, "TERM": "dumb", **env},
        start_new_session=True,
    )
    os.close(child)
    chunks: list[bytes] = []
    end = time.monotonic() + DEADLINE_S
    try:
        while time.monotonic() < end:
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(main, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=DEADLINE_S)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    return code, b"".join(chunks).decode(errors="replace")


def _pager(tmp_path: Path) -> tuple[str, Path]:
    paged = tmp_path / "paged.txt"
    script = f"import sys; open({str(paged)!r}, 'w').write(sys.stdin.read())"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}", paged


def test_a_long_card_goes_through_the_pager(tmp_path: Path) -> None:
    command, paged = _pager(tmp_path)
    code, screen = _show_on_a_terminal(
        tmp_path, "acme/churn-classifier", rows=20, env={"IDP_PAGER": command}
    )
    assert code == 0, screen
    assert "acme/churn-classifier@4.0.0" in paged.read_text()
    assert "Endpoints" in paged.read_text()
    assert "Endpoints" not in screen  # the pager had it, not the terminal


def test_pager_falls_back_to_PAGER_and_is_off_with_no_pager(tmp_path: Path) -> None:
    command, paged = _pager(tmp_path)
    code, screen = _show_on_a_terminal(
        tmp_path, "acme/churn-classifier", "--no-pager", rows=20, env={"PAGER": command}
    )
    assert code == 0 and "Endpoints" in screen
    assert not paged.exists()
    code, screen = _show_on_a_terminal(
        tmp_path, "acme/churn-classifier", rows=20, env={"PAGER": command}
    )
    assert code == 0 and "Endpoints" in paged.read_text()


def test_no_pager_when_it_fits_or_when_turned_off(tmp_path: Path) -> None:
    command, paged = _pager(tmp_path)
    code, screen = _show_on_a_terminal(
        tmp_path, "acme/churn-classifier", rows=500, env={"IDP_PAGER": command}
    )
    assert code == 0 and "Endpoints" in screen and not paged.exists()
    code, screen = _show_on_a_terminal(
        tmp_path, "acme/churn-classifier", rows=20, env={"IDP_PAGER": "", "PAGER": command}
    )
    assert code == 0 and "Endpoints" in screen and not paged.exists()


def test_a_pipe_never_gets_a_pager(tmp_path: Path) -> None:
    command, paged = _pager(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "idp_cli", "models", "show", "acme/churn-classifier"],
        env={**os.environ, "IDP_PAGER": command},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Endpoints" in done.stdout and not paged.exists()
