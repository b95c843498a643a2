"""`idp new` in a real terminal (a pseudo-terminal): it asks for the template and the model."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.test_new import CHAT_CATALOG

DEADLINE_S = 60


def _read_until(fd: int, needle: str, seen: list[str]) -> None:
    end = time.monotonic() + DEADLINE_S
    while needle not in "".join(seen):
        remaining = end - time.monotonic()
        assert remaining > 0, f"no {needle!r} in {''.join(seen)!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                chunk = b""
            assert chunk, f"terminal closed before {needle!r}: {''.join(seen)!r}"
            seen.append(chunk.decode(errors="replace"))


def test_prompts_for_template_and_model(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CHAT_CATALOG)
    main, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "idp_cli",
            "new",
            str(tmp_path / "picked"),
            "--catalog",
            str(catalog),
        ],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        start_new_session=True,
    )
    os.close(child)
    seen: list[str] = []
    try:
        _read_until(main, "Template", seen)
        _read_until(main, "Number", seen)
        menu = "".join(seen)
        number = re.search(r"(\d+)\. chat-service:", menu)
        assert number, menu
        os.write(main, f"{number.group(1)}\n".encode())
        seen.clear()
        _read_until(main, "Model", seen)
        _read_until(main, "Number", seen)
        menu = "".join(seen)
        assert "acme/assistant@2.0.0" in menu
        assert "acme/embedder" not in menu  # models the template cannot serve are not offered
        os.write(main, b"1\n")
        _read_until(main, "Generated", seen)
        assert proc.wait(timeout=DEADLINE_S) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main)
    answers = (tmp_path / "picked" / ".copier-answers.yml").read_text()
    assert "model_ref: acme/assistant@2.0.0" in answers
