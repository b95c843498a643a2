"""Credentials never reach the screen: URLs are shown without their user and password part.
Apart from gitsource so that commands that only print a URL do not import GitPython."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@")


def redact(text: str) -> str:
    """Hide the user and password part of any URL in `text`."""
    return _USERINFO.sub(r"\g<scheme>***@", text)


_HTTP_USERINFO = re.compile(r"^(?P<scheme>(?:git\+)?(?:https?|ftps?)://)[^/@\s]+@")
_PASSWORD = re.compile(r"^(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^/:@\s]+):[^/@\s]*@")


def strip_credentials(url: str) -> str:
    """`url` as a project may record it: no password anywhere, and no user name over HTTP(S),
    where it is usually a token (`https://TOKEN@host/...`). An SSH user (`git@host:...`,
    `ssh://git@host/...`) is kept: it is an account name the clone needs, not a secret."""
    url = _HTTP_USERINFO.sub(r"\g<scheme>", url)
    return _PASSWORD.sub(r"\g<head>@", url)
