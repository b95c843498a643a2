"""The server environments' cache on its own, with pip replaced by a recorder: built once and
reused, built again after a failed or interrupted build or a change of pins, and a compiled
wheel kept across changes of the other pins."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.contract import envs
from tests.contract.envs import BuildError, ServerEnv


class FakePip:
    """Stands in for ``envs._run``: records the build steps and makes their folders."""

    def __init__(self) -> None:
        self.steps: list[str] = []
        self.fail_install = False

    def __call__(self, args: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        if args[1:3] == ["-m", "venv"]:
            self.steps.append("venv")
            Path(args[3]).mkdir(parents=True)
        elif "wheel" in args:
            self.steps.append("wheel")
            folder = Path(args[args.index("--wheel-dir") + 1])
            (folder / "pkg-1.0-py3-none-any.whl").write_bytes(b"")
        else:
            self.steps.append("install")
            if self.fail_install:
                raise BuildError("pip install failed:\nno matching distribution")


@pytest.fixture
def pip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakePip:
    fake = FakePip()
    monkeypatch.setattr(envs, "_run", fake)
    monkeypatch.setattr(envs, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(envs, "REQUIREMENTS", tmp_path)
    monkeypatch.setitem(envs.SERVERS, "tiny", ServerEnv("tiny", compiled=("pkg",)))
    _pin(tmp_path, "other==1.0")
    return fake


def _pin(folder: Path, other: str) -> None:
    (folder / "tiny.txt").write_text(f"# pins\npkg==1.0\n{other}\n", encoding="utf-8")


def test_an_environment_is_built_once_and_reused(pip: FakePip) -> None:
    first = envs.ensure("tiny")
    second = envs.ensure("tiny")

    assert first == second
    assert (first / envs.READY).is_file()
    assert pip.steps == ["wheel", "venv", "install"]


def test_an_interrupted_build_is_built_again(pip: FakePip) -> None:
    half_built = envs.SERVERS["tiny"].path
    half_built.mkdir(parents=True)
    (half_built / "leftover").write_text("", encoding="utf-8")

    path = envs.ensure("tiny")

    assert path == half_built
    assert not (path / "leftover").exists()
    assert (path / envs.READY).is_file()


def test_a_failed_build_does_not_count_as_ready(pip: FakePip) -> None:
    pip.fail_install = True

    with pytest.raises(BuildError, match="no matching distribution"):
        envs.ensure("tiny")

    assert not (envs.SERVERS["tiny"].path / envs.READY).exists()
    pip.fail_install = False
    assert (envs.ensure("tiny") / envs.READY).is_file()
    assert pip.steps.count("venv") == 2


def test_new_pins_rebuild_the_environment_but_not_the_compiled_wheel(
    pip: FakePip, tmp_path: Path
) -> None:
    old = envs.ensure("tiny")
    _pin(tmp_path, "other==2.0")

    new = envs.ensure("tiny")

    assert new != old
    assert not old.exists(), "the environment of the old pins is removed"
    assert pip.steps == ["wheel", "venv", "install", "venv", "install"]


def test_two_runs_at_once_build_it_once(pip: FakePip, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second waits for the first one's lock, then finds the environment ready."""
    record = pip.__call__

    def slow(args: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        time.sleep(0.2)
        record(args, log, env)

    monkeypatch.setattr(envs, "_run", slow)

    with ThreadPoolExecutor(2) as pool:
        paths = list(pool.map(lambda _: envs.ensure("tiny"), range(2)))

    assert paths[0] == paths[1]
    assert pip.steps == ["wheel", "venv", "install"]
