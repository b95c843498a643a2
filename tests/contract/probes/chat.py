"""A generated chat-service project against a live OpenAI-compatible server: its client (a
whole answer, a stream, the health probe) and its service (``POST /chat``, ``POST
/chat/stream`` read as server-sent events, ``GET /readyz``).

    python -m tests.contract.probes.chat PACKAGE PROMPT
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
from typing import Any

from fastapi.testclient import TestClient

from tests.contract.probes.outcome import emit, outcome


def events(body: str) -> list[Any]:
    """The ``data:`` payloads of a server-sent event stream, JSON-decoded where they are."""
    payloads: list[Any] = []
    for line in body.splitlines():
        if line.startswith("data: "):
            data = line.removeprefix("data: ")
            payloads.append(data if data == "[DONE]" else json.loads(data))
    return payloads


def main(package: str, prompt: str) -> dict[str, Any]:
    config = importlib.import_module(f"{package}.model_client.config")
    client_module = importlib.import_module(f"{package}.model_client.client")
    app_module = importlib.import_module(f"{package}.app")
    messages = [{"role": "user", "content": prompt}]
    results: dict[str, Any] = {}
    client = client_module.make_client(config.Settings.from_env())
    try:
        results["complete"] = outcome(lambda: dataclasses.asdict(client.complete(messages)))
        results["stream"] = outcome(lambda: list(client.stream(messages)))
        results["check"] = outcome(lambda: dataclasses.asdict(client.check()))
    finally:
        client.close()
    with TestClient(app_module.create_app()) as api:
        response = api.post("/chat", json={"messages": messages})
        results["service_chat"] = {"status": response.status_code, "body": response.json()}
        response = api.post("/chat/stream", json={"messages": messages})
        streamed: dict[str, Any] = {"status": response.status_code}
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            streamed["events"] = events(response.text)
        else:
            streamed["body"] = response.json()
        results["service_stream"] = streamed
        response = api.get("/readyz")
        results["service_readyz"] = {"status": response.status_code, "body": response.json()}
    return results


if __name__ == "__main__":
    emit(main(sys.argv[1], sys.argv[2]))
