"""The parts of the catalog format that need no pydantic: its closed vocabularies and the
check of a date field (which shape.py's validators call without building format.py's models).
"""

from __future__ import annotations

import re

LIFECYCLES = ("experimental", "staging", "production", "deprecated", "archived")
RETIRED = ("deprecated", "archived")
MODEL_TYPES = ("predictive", "generative")
PROTOCOLS = ("openai-v1", "oip-v2", "kserve-v1", "mlflow-invocations", "ollama")
PROTOCOLS_NEEDING_MODEL_ID = ("openai-v1", "oip-v2", "kserve-v1", "ollama")
ENVIRONMENTS = ("production", "staging", "development")
AUTH_TYPES = ("none", "bearer", "api-key")
COLUMN_TYPES = ("boolean", "integer", "long", "float", "double", "string", "binary", "datetime")
# The task of embedding models, the only ones that may declare `embedding.dimension`.
EMBEDDING_TASK = "feature-extraction"
CAPABILITIES = (
    "chat",
    "completions",
    "embeddings",
    "streaming",
    "tools",
    "predict",
    "explain",
)

# What `idp models publish --endpoint` declares for an endpoint that names no capabilities:
# what a server speaking the protocol offers in the common case (an embeddings server on
# openai-v1 must say so). docs/catalog.md shows this table; a test keeps the two the same.
DEFAULT_CAPABILITIES = {
    "openai-v1": ("chat",),
    "ollama": ("chat",),
    "oip-v2": ("predict",),
    "kserve-v1": ("predict",),
    "mlflow-invocations": ("predict",),
}


DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_date(value: str | None) -> str | None:
    import datetime

    if value is not None and not DATE_PATTERN.match(value):
        raise ValueError("must be a date written as YYYY-MM-DD")
    if value is not None:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a date that exists (YYYY-MM-DD)") from None
    return value
