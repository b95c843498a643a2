"""Round-trip YAML values written the way catalogs write them: small mappings and lists in
flow style, version strings in double quotes (so `1.10` is never read as a number)."""

from __future__ import annotations

from typing import Any


def flow_map(data: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    mapping = CommentedMap(data)
    mapping.fa.set_flow_style()
    return mapping


def flow_list(items: list[Any]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def quoted(value: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(value)
