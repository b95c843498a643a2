"""Several versions prepended to one loaded catalog file (as a bulk import adds a model's new
versions) write exactly what adding them one at a time, loading the file again after each,
writes: newest on top, every byte the edit does not mean to change kept."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from ruamel.yaml.comments import CommentedMap

from idp_cli.publish.edit import Document
from idp_cli.publish.nodes import flow_map

INDENTED = """\
# Reviewed by the risk team.
models:
  - name: acme/fraud-detector   # served by the risk team
    owner: group:default/ds-risk
    versions:
      - version: "0.9.0"
        lifecycle: production   # the one serving
        signature:
          inputs: [{name: monthly_charges, type: double}]
"""
# sequences at their parent key's column, four spaces a level
FLUSH = """\
models:
-   name: acme/fraud-detector
    versions:
    -   version: "0.9.0"
        lifecycle: production

    -   version: "0.8.0"
        lifecycle: deprecated
"""


def _entry(number: str) -> Any:
    entry = CommentedMap()
    entry["version"] = number
    entry["lifecycle"] = "experimental"
    entry["signature"] = CommentedMap(
        [("inputs", [flow_map({"name": "tenure_months", "type": "long"})])]
    )
    entry["labels"] = flow_map({"team": "risk"})
    return entry


def _versions(doc: Document) -> Any:
    return doc.data["models"][0]["versions"]


@pytest.mark.parametrize("text", [INDENTED, FLUSH], ids=["indented", "flush"])
def test_prepending_again_writes_what_loading_between_writes(text: str) -> None:
    numbers = ["1", "2", "3"]
    once = Document("catalog.yaml", text, "catalog.yaml")
    for number in numbers:
        once.prepend(_versions(once), _entry(number))
    assert not once.whole  # spliced, not the whole file dumped again
    reloaded = text
    for number in numbers:
        doc = Document("catalog.yaml", reloaded, "catalog.yaml")
        doc.prepend(_versions(doc), _entry(number))
        reloaded = doc.render()
    assert once.render() == reloaded
    assert once.render().endswith(text.split("versions:\n", 1)[1])  # the old ones untouched
    written = yaml.safe_load(once.render())["models"][0]["versions"]
    assert [v["version"] for v in written][:3] == ["3", "2", "1"]
    assert [str(v) for v in _versions(once)][:3] == [str(_entry(n)) for n in reversed(numbers)]
