"""What a call gave, as JSON: ``{"ok": value}`` or ``{"error": {type, message, status_code}}``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def outcome(call: Callable[[], Any]) -> dict[str, Any]:
    try:
        return {"ok": call()}
    except Exception as exc:
        error = {
            "type": type(exc).__name__,
            "message": str(exc),
            "status_code": getattr(exc, "status_code", None),
        }
        return {"error": error}


def emit(results: dict[str, Any]) -> None:
    print(json.dumps(results))
