"""Credentials never reach the screen: URLs are shown without their user and password part.
Apart from gitsource so that commands that only print a URL do not import GitPython."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@")


def redact(text: str) -> str:
    """Hide the user and password part of any URL in `text`."""
    return _USERINFO.sub(r"\g<scheme>***@", text)
