"""Ctrl-C at the two moments of `generate` that are not Copier's: making the staging folder
and putting the project in place. The SIGINT is sent to this process at exactly that moment,
so the tests do not depend on timing."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import copier  # noqa: F401  # before mkdtemp is patched below: Copier binds it on import
import pytest

from idp_cli.templates import render
from idp_cli.templates.discovery import Template, find

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture(autouse=True)
def ctrl_c_raises() -> Iterator[None]:
    # A test run started as a background job inherits SIGINT ignored; these tests need
    # Python's own handler, as in a terminal.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _template(tmp_path: Path) -> Template:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "copier.yml").write_text("greeting:\n  type: str\n  default: hi\n")
    (folder / "a.txt.jinja").write_text("{{ greeting }}\n")
    (folder / "b.txt").write_text("b\n")
    return find(str(folder))


def _ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_as_the_staging_folder_is_made_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = _template(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp_then_ctrl_c(*args: Any, **kwargs: Any) -> str:
        made: str = real_mkdtemp(*args, **kwargs)
        if Path(made).parent == out.resolve():  # the staging folder, not one of Copier's
            _ctrl_c()  # the folder exists; the caller has not seen its name yet
        return made

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        render.generate(
            template, out / "app", {}, defaults=True, pretend=False, trust=True, force=False
        )
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("other_thread", [False, True])
def test_ctrl_c_during_a_forced_merge_lets_it_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_thread: bool
) -> None:
    """Also with another thread alive, as a library's worker would be: the kernel may hand it
    the process's SIGINT, which a signal mask on the main thread would not hold."""
    done = threading.Event()
    if other_thread:
        threading.Thread(target=done.wait, daemon=True).start()
    template = _template(tmp_path)
    dest = tmp_path / "out" / "app"
    dest.mkdir(parents=True)
    (dest / "kept.txt").write_text("mine\n")
    (dest / "a.txt").write_text("old\n")
    real_replace = Path.replace

    def replace_after_ctrl_c(self: Path, target: str | os.PathLike[str]) -> Path:
        if (
            Path(target).parent == dest.resolve()
        ):  # every file of the merge: the first would cut it short
            _ctrl_c()
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace_after_ctrl_c)
    try:
        with pytest.raises(KeyboardInterrupt):
            render.generate(
                template, dest, {}, defaults=True, pretend=False, trust=True, force=True
            )
    finally:
        done.set()
    monkeypatch.undo()
    assert sorted(p.name for p in dest.iterdir()) == ["a.txt", "b.txt", "kept.txt"]
    assert (dest / "a.txt").read_text() == "hi\n"
    assert [p.name for p in dest.parent.iterdir()] == ["app"]  # no staging folder
