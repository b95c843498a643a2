"""Copier templates: finding them and reading their `_idp` metadata (discovery), and running
Copier on them (render, the only module that imports copier)."""
