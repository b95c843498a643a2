"""chat-service (openai-v1) against llama-cpp-python's OpenAI-compatible server, with a tiny
GGUF that always answers "Hello world!" (models/tiny_gguf.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.generated import Project, error, generate, probe, project_env
from tests.contract.processes import Server

pytestmark = [pytest.mark.contract, pytest.mark.slow]

MODEL = "contract/tiny-llama@1.0.0"
ANSWER = "Hello world!"
TOO_LONG = "lorem ipsum " * 300
"""Well over the server's 512-token context (the vocabulary spells most text byte by byte)."""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return generate(tmp_path_factory.mktemp("chat") / "chat-service", "chat-service", MODEL)


@pytest.fixture(scope="module")
def served(project: Project, llama_server: Server) -> dict[str, Any]:
    return probe(project, "chat", "Say hello.", project_env(project, llama_server))


def test_the_client_gets_the_exact_answer(served: dict[str, Any]) -> None:
    answer = served["complete"]["ok"]
    tokens = {key: answer.pop(key) for key in ("prompt_tokens", "completion_tokens")}
    assert answer == {"content": ANSWER, "model": "tiny-llama", "finish_reason": "stop"}
    assert all(isinstance(count, int) and count > 0 for count in tokens.values()), tokens


def test_the_client_streams_the_answer_in_pieces(served: dict[str, Any]) -> None:
    pieces = served["stream"]["ok"]
    assert len(pieces) > 1
    assert "".join(pieces) == ANSWER


def test_the_client_finds_the_model_listed(served: dict[str, Any]) -> None:
    check = served["check"]["ok"]
    assert check["model_listed"] is True
    assert check["url"].endswith("/v1/models")


def test_the_service_chats(served: dict[str, Any]) -> None:
    assert served["service_chat"] == {
        "status": 200,
        "body": {"content": ANSWER, "model": "tiny-llama", "finish_reason": "stop"},
    }


def test_the_service_streams_server_sent_events(served: dict[str, Any]) -> None:
    stream = served["service_stream"]
    assert stream["status"] == 200
    *deltas, done = stream["events"]
    assert done == "[DONE]"
    assert len(deltas) > 1
    assert "".join(event["delta"] for event in deltas) == ANSWER


def test_the_service_is_healthy(served: dict[str, Any]) -> None:
    health = served["service_readyz"]
    assert health["status"] == 200
    assert health["body"]["upstream"]["model_listed"] is True


@pytest.fixture(scope="module")
def overflowing(project: Project, llama_server: Server) -> dict[str, Any]:
    return probe(project, "chat", TOO_LONG, project_env(project, llama_server))


def test_a_prompt_over_the_context_is_a_clear_error(overflowing: dict[str, Any]) -> None:
    failure = error(overflowing["complete"])
    assert failure["type"] == "ModelResponseError"
    assert failure["status_code"] == 400
    assert failure["message"].startswith(
        "the model server answered 400: This model's maximum context length is 512 tokens."
    )
    # the caller's request was refused: passed through, not a 502
    assert overflowing["service_chat"] == {
        "status": 400,
        "body": {"detail": failure["message"], "upstream_status": 400},
    }


def test_a_stream_that_ends_without_the_answer_is_a_clear_error(
    overflowing: dict[str, Any],
) -> None:
    """Streaming, llama.cpp answers a prompt over the context with 200 and no event at all."""
    message = "the model server ended the stream before the answer"
    assert error(overflowing["stream"]) == {
        "type": "ModelResponseError",
        "message": message,
        "status_code": None,
    }
    assert overflowing["service_stream"] == {"status": 502, "body": {"detail": message}}


def test_an_unknown_model_is_not_listed(project: Project, llama_server: Server) -> None:
    """llama.cpp answers for whatever model is asked; the health check is what notices."""
    env = project_env(project, llama_server, MODEL_NAME="no-such-model")

    results = probe(project, "chat", "Say hello.", env)

    assert results["check"]["ok"]["model_listed"] is False
    assert results["service_readyz"]["status"] == 503
    assert results["service_readyz"]["body"]["upstream"]["model_listed"] is False
