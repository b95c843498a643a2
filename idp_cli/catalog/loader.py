"""Old name of read.py, kept only for the modules that other branches are rewriting
(publish.py, history.py): delete it once they import `idp_cli.catalog.read`."""

from idp_cli.catalog.read import load as load

__all__ = ["load"]
