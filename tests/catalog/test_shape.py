"""The checked-in validators are current, and idp falls back to building them from the
pydantic models whenever they may not be."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic_core import ValidationError

from idp_cli.catalog import shape as checkers
from tests.helpers import model_yaml

HEADER = {"apiVersion": "idp/v1alpha1", "kind": "ModelCatalog", "models": []}


def _probe(code: str) -> str:
    """What `code` prints in a fresh interpreter, where nothing is imported yet."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def _stored() -> dict[str, object]:
    stored: dict[str, object] = json.loads(checkers.SCHEMAS_FILE.read_text(encoding="utf-8"))
    return stored


def test_the_checked_in_schemas_were_made_from_these_sources() -> None:
    recorded = str(_stored()["fingerprint"])
    assert recorded.endswith(f"sources {checkers.sources_digest()}"), (
        "format.py or vocabulary.py changed: run `make docs`"
    )


def test_the_checked_in_schemas_are_used_only_when_this_pydantic_made_them() -> None:
    if _stored()["fingerprint"] == checkers.fingerprint():
        assert checkers.generate() == _stored()
        assert checkers._checked_in() is not None
    else:  # another pydantic release is installed: its own schemas are built
        assert checkers._checked_in() is None
        with pytest.raises(ValidationError):
            checkers.checkers()["header"]({**HEADER, "kind": "Other"})


@pytest.mark.parametrize(
    "content",
    [
        '{"fingerprint": "pydantic 0.0, pydantic-core 0.0, sources x", "schemas": {}}',
        "{not json",
        '{"schemas": {}}',
    ],
)
def test_a_stale_or_broken_file_falls_back_to_the_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    stale = tmp_path / "checker_schemas.json"
    stale.write_text(content)
    monkeypatch.setattr(checkers, "SCHEMAS_FILE", stale)
    checkers.checkers.cache_clear()
    try:
        assert checkers._checked_in() is None
        check = checkers.checkers()
        check["header"](HEADER)
        with pytest.raises(ValidationError):
            check["header"]({**HEADER, "unknown": 1})
        with pytest.raises(ValidationError):
            check["model"]({"name": "acme/x"})
    finally:
        checkers.checkers.cache_clear()


def test_a_valid_catalog_is_read_without_pydantic_models_or_pyyaml(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "catalog.yaml").write_text(
        "apiVersion: idp/v1alpha1\nkind: ModelCatalog\ninclude: [models/*.yaml]\n"
    )
    for name in ("a", "b"):
        (tmp_path / "models" / f"{name}.yaml").write_text(model_yaml(f"acme/{name}"))
    probe = (
        "import sys\n"
        "from idp_cli.catalog.read import load\n"
        "from idp_cli.catalog.sources import resolve_source\n"
        "from idp_cli.config import CatalogChoice\n"
        f"source = resolve_source(CatalogChoice({str(tmp_path)!r}, None, 'flag'))\n"
        "loaded = load(source, use_cache=False)\n"
        "assert not loaded.problems, loaded.problems\n"
        "heavy = ('pydantic', 'pydantic.main', 'idp_cli.catalog.format', 'yaml')\n"
        "print(sorted(m for m in sys.modules if m in heavy))\n"
    )
    assert _probe(probe) == "[]"


def test_pydantic_version_is_read_without_importing_pydantic() -> None:
    probe = (
        "import sys\n"
        "from idp_cli.catalog import shape as checkers\n"
        "version = checkers._pydantic_version()\n"
        "imported = 'pydantic' in sys.modules\n"
        "from pydantic.version import VERSION\n"
        "print(version == VERSION, imported)\n"
    )
    assert _probe(probe).split() == ["True", "False"]


def test_another_pydantic_makes_its_schemas_once_and_keeps_them_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "shape_schemas.json"
    stale.write_text('{"fingerprint": "pydantic 0.0, pydantic-core 0.0, sources x"}')
    monkeypatch.setattr(checkers, "SCHEMAS_FILE", stale)
    checkers.checkers.cache_clear()
    try:
        checkers.checkers()
        kept = checkers._cached_path(checkers.fingerprint())
        assert checkers._stored(kept, checkers.fingerprint()) is not None

        def never(*args: object) -> None:
            raise AssertionError("the kept schemas are used, not the models built again")

        monkeypatch.setattr(checkers, "_built", never)
        checkers.checkers.cache_clear()
        check = checkers.checkers()
        check["header"](HEADER)
        with pytest.raises(ValidationError):
            check["model"]({"name": "acme/x"})
    finally:
        checkers.checkers.cache_clear()
