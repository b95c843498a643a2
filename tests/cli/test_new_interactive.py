"""`idp new` in a real terminal (a pseudo-terminal): it asks for the template and the model."""

from __future__ import annotations

import contextlib
import errno
import os
import pty
import re
import select
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import yaml

from tests.cli.new_projects import CHAT_CATALOG

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


@contextlib.contextmanager
def _idp_new_in_a_terminal(
    tmp_path: Path, *args: str | Path, catalog_text: str = CHAT_CATALOG
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`idp new ARGS --catalog CHAT_CATALOG` (or `catalog_text`) on a pseudo-terminal: the
    process and the terminal's controlling end, both cleaned up afterwards."""
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(catalog_text)
    main, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    command = [sys.executable, "-m", "idp_cli", "new", *map(str, args), "--catalog", str(catalog)]
    proc = subprocess.Popen(
        command, stdin=child, stdout=child, stderr=child, env=env, start_new_session=True
    )
    os.close(child)
    try:
        yield proc, main
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main)


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


def _screen(seen: list[str]) -> str:
    return _ANSI.sub("", "".join(seen))


def test_picker_with_type_ahead_then_the_questions(tmp_path: Path) -> None:
    """Template and model chosen by typing (a version that is not the default), the CI system
    in idp's picker, then description and owner asked in the same prompt style
    (questionary's)."""
    seen: list[str] = []
    with _idp_new_in_a_terminal(tmp_path, tmp_path / "picked") as (proc, main):
        _read_until(main, "type to filter", seen)
        # the list comes after the instruction, maybe in a later read: wait for it
        _read_until(main, "chat-service", seen)
        os.write(main, b"chat")
        _read_until(main, "Chat service", seen)
        os.write(main, b"\r")
        seen.clear()
        _read_until(main, "Model", seen)
        _read_until(main, "acme/assistant@3.0.0-rc1", seen)
        menu = _screen(seen)
        assert "acme/assistant@2.0.0" in menu  # the default version, offered first
        assert "(default)" in menu and "experimental" in menu and "text-generation" in menu
        assert "acme/embedder" not in menu  # models the template cannot serve are not offered
        assert "acme/assistant@1.0.0" not in menu  # deprecated versions are not offered
        # type-ahead: only the 3.x version stays (questionary filters in the key's handler, so
        # the Enter behind it sees the filtered list: no wait needed)
        os.write(main, b"@3\r")
        # idp's picker: the bundled CI systems and any an installed plug-in adds
        _read_until(main, "CI system", seen)
        _read_until(main, "Tekton", seen)
        os.write(main, b"\x1b[B\r")  # arrow down: GitLab CI
        _read_until(main, "One sentence describing", seen)
        os.write(main, b"\r")  # idp's description, offered as the default
        _read_until(main, "Who owns this app", seen)
        _read_until(main, "user:default/author", seen)
        os.write(main, b"\r")
        _read_until(main, "Generated", seen)
        assert proc.wait(timeout=DEADLINE_S) == 0
    answers = yaml.safe_load((tmp_path / "picked" / ".copier-answers.yml").read_text())
    assert answers["model_ref"] == "acme/assistant@3.0.0-rc1"
    assert answers["owner"] == "user:default/author"
    assert answers["lifecycle"] == "experimental"
    assert answers["ci"] == "gitlab"
    assert "acme/assistant@3.0.0-rc1" in answers["description"]


def _answer_the_training_questions(main: int, seen: list[str]) -> None:
    """Enter at each of training-project's questions idp leaves to the user: their defaults
    (the CI system is idp's picker's question, asked before the template's own)."""
    questions = ("CI system", "Who owns the project", "The MLflow registered model name",
                 "The evaluation metric", "How much better")  # fmt: skip
    for question in questions:
        _read_until(main, question, seen)
        os.write(main, b"\r")


def test_a_name_bound_template_takes_a_new_model_name_checked_as_typed(tmp_path: Path) -> None:
    """training-project with a catalog of chat models only: the picker offers a new model,
    and refuses a name the catalog would not accept until it is fixed."""
    seen: list[str] = []
    dest = tmp_path / "churn-training"
    with _idp_new_in_a_terminal(tmp_path, dest, "-t", "training-project") as (proc, main):
        _read_until(main, "(new model)", seen)  # the list, printed after the instruction
        menu = _screen(seen)
        assert "acme/assistant" not in menu  # a chat model: the template cannot train it
        os.write(main, b"\r")
        _read_until(main, "New model name", seen)
        seen.clear()
        os.write(main, b"Acme/Churn\r")
        _read_until(main, "not a valid catalog model name", seen)
        os.write(main, b"\x7f" * len("Acme/Churn") + b"acme/churn\r")
        _answer_the_training_questions(main, seen)
        _read_until(main, "Generated", seen)
        assert proc.wait(timeout=DEADLINE_S) == 0
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert answers["model_name"] == "acme/churn"
    assert answers["model"]["exists"] is False


def test_a_name_bound_template_offers_the_catalog_models_it_can_train(tmp_path: Path) -> None:
    seen: list[str] = []
    dest = tmp_path / "churn-training"
    bundled = (Path(__file__).resolve().parents[2] / "catalog.yaml").read_text()
    args = (dest, "-t", "training-project")
    with _idp_new_in_a_terminal(tmp_path, *args, catalog_text=bundled) as (proc, main):
        _read_until(main, "(new model)", seen)
        menu = _screen(seen)
        assert "acme/churn-classifier" in menu
        assert "acme/churn-classifier@" not in menu  # names: the project makes the versions
        assert "meta-llama/llama-3.1-8b-instruct" not in menu
        os.write(main, b"churn-class\r")  # filtered before the Enter is handled
        _answer_the_training_questions(main, seen)
        _read_until(main, "Generated", seen)
        assert proc.wait(timeout=DEADLINE_S) == 0
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert answers["model_name"] == "acme/churn-classifier"
    assert answers["model"]["exists"] is True


def test_ctrl_c_in_the_picker_writes_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "app"
    seen: list[str] = []
    with _idp_new_in_a_terminal(tmp_path, dest, "-t", "chat-service") as (proc, main):
        _read_until(main, "Model", seen)
        _read_until(main, "type to filter", seen)
        os.write(main, b"\x03")
        _read_until(main, "interrupted", seen)
        assert proc.wait(timeout=DEADLINE_S) == 130
    assert "Traceback" not in "".join(seen)
    assert not dest.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.yaml"]


def test_ctrl_c_at_a_copier_question_is_an_interrupt(tmp_path: Path) -> None:
    """Ctrl-C at Copier's own prompt: "interrupted", exit 130, no project, no dump of state."""
    dest = tmp_path / "app"
    seen: list[str] = []
    # --ci given: the first question is Copier's, not idp's picker
    args = (dest, "-t", "chat-service", "-m", "acme/assistant", "--ci", "github")
    with _idp_new_in_a_terminal(tmp_path, *args) as (proc, main):
        _read_until(main, "One sentence describing", seen)
        seen.clear()
        os.write(main, b"\x03")  # the terminal's Ctrl-C, read by the prompt itself
        _read_until(main, "interrupted", seen)
        assert proc.wait(timeout=DEADLINE_S) == 130
    after = "".join(seen)
    assert "Traceback" not in after
    assert "--data" not in after  # not reported as bad answers
    assert len(after) < 500, after
    assert not dest.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".app.idp-")]


def _sigint_as_in_a_terminal() -> None:
    # Runs in the child before exec. A shell starts background jobs with SIGINT ignored and
    # the ignoring is inherited: run that way, idp would never see the Ctrl-C this test sends.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _open_writer(fifo: Path, proc: subprocess.Popen[bytes]) -> int:
    """Open `fifo` for writing once the task has it open for reading."""
    end = time.monotonic() + DEADLINE_S
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:  # ENXIO: no reader yet
            if exc.errno != errno.ENXIO:
                raise
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, "the task never opened its FIFO"
        time.sleep(0.05)


def test_ctrl_c_during_generation_leaves_nothing(tmp_path: Path) -> None:
    """A template task that waits, interrupted with SIGINT: exit 130, no project, no staging."""
    template = tmp_path / "tpl"
    template.mkdir()
    fifo = tmp_path / "task-waits-here"
    os.mkfifo(fifo)
    # `exec` replaces the task's shell with cat, which waits on the FIFO for as long as the
    # test holds it open: once the FIFO has its reader there is nothing left to race with.
    (template / "copier.yml").write_text(f"_tasks:\n  - exec cat {shlex.quote(str(fifo))}\n")
    (template / "a.txt").write_text("a\n")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "idp_cli",
            "new",
            str(out / "app"),
            "-t",
            str(template),
            "--defaults",
            "--trust",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_sigint_as_in_a_terminal,
    )
    writer = None
    try:
        writer = _open_writer(fifo, proc)
        # Ctrl-C in a terminal reaches the whole foreground process group
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=DEADLINE_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if writer is not None:
            os.close(writer)
    assert proc.returncode == 130, (stdout, stderr)
    assert b"interrupted" in stderr
    assert list(out.iterdir()) == []
