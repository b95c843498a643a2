"""Old name of the YAML reading that history.py uses, kept only while the history branch
rewrites it: delete this once it calls `idp_cli.catalog.speed.parse_yaml`."""

from idp_cli.catalog.speed import parse_yaml as load_yaml

__all__ = ["load_yaml"]
