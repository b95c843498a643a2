"""Answering a question: embed it, find the closest chunks, ask the chat model with them as
numbered context, and return the answer with the chunks as citations."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from .chat_client.client import ChatClient
from .embeddings_client.client import EmbeddingsClient
from .store import Hit, VectorStore

SYSTEM_PROMPT = (
    "Answer the question using only the numbered context passages. Cite the passages you use "
    "as [1], [2], ... If the context does not contain the answer, say that you do not know."
)


class EmptyIndexError(Exception):
    """Nothing has been ingested yet."""


@dataclass(frozen=True)
class Answer:
    answer: str
    model: str
    citations: list[Hit]


def messages_for(question: str, hits: list[Hit]) -> list[dict[str, str]]:
    context = "\n\n".join(
        f"[{n}] ({hit.source}, chunk {hit.chunk})\n{hit.text}" for n, hit in enumerate(hits, 1)
    )
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Context:\n{context}\n\nQuestion: {question}"},
    ]


async def answer(
    question: str,
    *,
    chat: ChatClient,
    embeddings: EmbeddingsClient,
    store: VectorStore,
    top_k: int,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> Answer:
    vector = await embeddings.embed_one(question)
    hits = await run_in_threadpool(store.search, vector, top_k)
    if not hits:
        raise EmptyIndexError("the index is empty")
    # the chat client is synchronous: it runs in a worker thread, the event loop stays free
    result = await run_in_threadpool(
        lambda: chat.complete(
            messages_for(question, hits), temperature=temperature, max_tokens=max_tokens
        )
    )
    return Answer(answer=result.content, model=result.model, citations=hits)
