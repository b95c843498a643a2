"""What `read_files` leaves behind: the garbage collector as it found it, and a summary
catalog whose versions have no signature to read by mistake."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from idp_cli.catalog import speed
from idp_cli.catalog.model import Version, VersionSummary
from idp_cli.catalog.read import load
from idp_cli.catalog.safe_yaml import YamlError, load_yaml
from tests.helpers import HEADER, model_yaml, source_for, write_catalog


def test_the_garbage_collector_runs_again_over_everything_after_a_read(tmp_path: Path) -> None:
    write_catalog(tmp_path, HEADER + "include: [models/*.yaml]\n")
    write_catalog(tmp_path / "models", model_yaml("acme/a"), name="a.yaml")
    assert gc.isenabled()
    loaded = load(source_for(tmp_path), use_cache=False)
    assert loaded.catalog is not None
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_summary_has_no_signature() -> None:
    assert isinstance(Version.__dict__.get("signature"), property)
    assert not hasattr(VersionSummary, "signature")


@pytest.mark.parametrize(
    "text", ["a: 1\nb: [x, 'y']\n", "a: yes\n", "a: &x 1\nb: *x\n", "when: 2024-01-02\n"]
)
def test_parse_yaml_reads_as_the_reference_does(text: str) -> None:
    assert speed.parse_yaml(text, "x.yaml") == load_yaml(text, "x.yaml")


def test_parse_yaml_places_what_is_not_yaml() -> None:
    with pytest.raises(YamlError, match=r"x\.yaml:2:"):
        speed.parse_yaml("a: 1\n b: [\n", "x.yaml")
