"""The closed vocabularies of the catalog format, importable without pydantic."""

from __future__ import annotations

LIFECYCLES = ("experimental", "staging", "production", "deprecated", "archived")
RETIRED = ("deprecated", "archived")
MODEL_TYPES = ("predictive", "generative")
PROTOCOLS = ("openai-v1", "oip-v2", "kserve-v1", "mlflow-invocations", "ollama")
PROTOCOLS_NEEDING_MODEL_ID = ("openai-v1", "oip-v2", "kserve-v1", "ollama")
ENVIRONMENTS = ("production", "staging", "development")
AUTH_TYPES = ("none", "bearer", "api-key")
COLUMN_TYPES = ("boolean", "integer", "long", "float", "double", "string", "binary", "datetime")
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
