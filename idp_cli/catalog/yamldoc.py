"""Old name of safe_yaml.py, kept only for the modules that other branches are rewriting
(history.py): delete it once they import `idp_cli.catalog.safe_yaml`."""

from idp_cli.catalog.safe_yaml import load_yaml as load_yaml

__all__ = ["load_yaml"]
