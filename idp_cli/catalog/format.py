"""The catalog format as pydantic models: shape, types and enums.

Only imported when a catalog is validated (a cache miss, `idp catalog validate`, `schema`):
pydantic costs more to import than the rest of `idp models list` together.
Rules that span several fields or models live in `rules.py`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic.alias_generators import to_camel

from idp_cli.catalog.vocabulary import (
    AUTH_TYPES,
    CAPABILITIES,
    COLUMN_TYPES,
    ENVIRONMENTS,
    LIFECYCLES,
    MODEL_TYPES,
    PROTOCOLS,
    check_date,
)

API_VERSION = "idp/v1alpha1"
MODEL_NAME_PATTERN = r"^[a-z0-9][a-z0-9._/-]*$"
ENV_VAR_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"

Lifecycle = Literal[LIFECYCLES]  # type: ignore[valid-type]
Protocol = Literal[PROTOCOLS]  # type: ignore[valid-type]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
    )


class Link(_Strict):
    title: NonEmpty
    url: NonEmpty


class Column(_Strict):
    """One input or output column (MLflow's column-based signature)."""

    name: NonEmpty
    type: Literal[COLUMN_TYPES]  # type: ignore[valid-type]
    required: bool = True
    enum: list[str | int | float | bool] | None = None
    description: str | None = None


class Param(_Strict):
    """An inference parameter with its default (MLflow ParamSpec; LLM request defaults)."""

    name: NonEmpty
    type: Literal[COLUMN_TYPES]  # type: ignore[valid-type]
    default: Any = None
    description: str | None = None


class Signature(_Strict):
    inputs: list[Column] = Field(default_factory=list)
    outputs: list[Column] = Field(default_factory=list)
    params: list[Param] = Field(default_factory=list)
    example: dict[str, Any] | None = None


class Metric(_Strict):
    type: NonEmpty
    value: float
    dataset: str | None = None


class Framework(_Strict):
    name: NonEmpty
    version: str | None = None


class Artifact(_Strict):
    uri: NonEmpty
    format: str | None = None
    digest: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")] | None = None


class BaseModelRef(_Strict):
    id: NonEmpty
    relation: Literal["finetune", "quantized", "adapter", "merge"] | None = None


class LlmInfo(_Strict):
    context_length: int | None = Field(default=None, gt=0)
    tool_calling: bool | None = None


class Embedding(_Strict):
    """What an embedding model (task `feature-extraction`) returns: vectors of `dimension`
    floats. An index built with one dimension cannot hold another's vectors, so a template
    that stores them reads it from here."""

    dimension: int = Field(gt=0)


class Resources(_Strict):
    cpu: str | None = None
    memory: str | None = None
    gpu: int | None = Field(default=None, ge=0)


class Auth(_Strict):
    """A reference to a credential, never the credential itself."""

    type: Literal[AUTH_TYPES]  # type: ignore[valid-type]
    token_env: Annotated[str, StringConstraints(pattern=ENV_VAR_PATTERN)] | None = None


class Endpoint(_Strict):
    name: NonEmpty
    environment: Literal[ENVIRONMENTS] = "production"  # type: ignore[valid-type]
    protocol: Protocol
    url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$")]
    route_prefix: Annotated[str, StringConstraints(pattern=r"^(/[^\s]*)?$")] | None = None
    model_id: str | None = None
    model_version: str | None = None
    auth: Auth | None = None
    capabilities: list[Literal[CAPABILITIES]] = Field(default_factory=list)  # type: ignore[valid-type]


class Runtime(_Strict):
    name: NonEmpty
    version: str | None = None


class Serving(_Strict):
    runtime: Runtime | None = None
    endpoints: list[Endpoint] = Field(default_factory=list)


class Deprecation(_Strict):
    successor: str | None = None
    sunset_date: str | None = None
    reason: str | None = None

    _date = field_validator("sunset_date")(check_date)


class Version(_Strict):
    version: Annotated[str, StringConstraints(min_length=1, pattern=r"^[^@\s]+$")]
    aliases: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]] = (
        Field(default_factory=list)
    )
    lifecycle: Lifecycle
    released_at: str | None = None
    changelog: str | None = None
    framework: Framework | None = None
    artifact: Artifact | None = None
    base_model: BaseModelRef | None = None
    llm: LlmInfo | None = None
    embedding: Embedding | None = None
    signature: Signature | None = None
    metrics: list[Metric] = Field(default_factory=list)
    resources: Resources | None = None
    serving: Serving | None = None
    deprecation: Deprecation | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    custom_properties: dict[str, Any] = Field(default_factory=dict)

    _date = field_validator("released_at")(check_date)


class Model(_Strict):
    name: Annotated[str, StringConstraints(pattern=MODEL_NAME_PATTERN, max_length=200)]
    display_name: str | None = None
    description: NonEmpty
    provider: str | None = None
    owner: NonEmpty
    model_type: Literal[MODEL_TYPES]  # type: ignore[valid-type]
    tasks: Annotated[list[NonEmpty], Field(min_length=1)]
    language: list[str] = Field(default_factory=list)
    license: NonEmpty
    license_link: str | None = None
    tags: list[str] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    default_version: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    custom_properties: dict[str, Any] = Field(default_factory=dict)
    versions: Annotated[list[Version], Field(min_length=1)]


class Source(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    name: str | None = None


class CatalogHeader(_Strict):
    """The top of `catalog.yaml`; `models` are validated one by one so that every problem in
    every model is reported, and a broken model does not hide the others."""

    api_version: Literal["idp/v1alpha1"]
    kind: Literal["ModelCatalog"]
    source: Source | None = None
    include: list[NonEmpty] = Field(default_factory=list)
    models: list[Any] = Field(default_factory=list)


class Catalog(CatalogHeader):
    """The whole format, for the JSON Schema that editors and `idp catalog schema` use."""

    models: list[Model] = Field(default_factory=list)


def json_schema() -> dict[str, Any]:
    schema = Catalog.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://idp.example.internal/schemas/catalog-v1alpha1.json"
    schema["title"] = "idp model catalog"
    return schema


class UnsupportedSchema(Exception):
    pass


_MODEL_FIELD_KEYS = frozenset(
    {"type", "schema", "validation_alias", "serialization_alias", "frozen", "metadata"}
)


def _as_typed_dicts(node: Any) -> Any:
    """A core schema with every model turned into a typed dict with the same fields,
    aliases, defaults and configuration: it accepts exactly the same input."""
    if isinstance(node, list):
        return [_as_typed_dicts(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") != "model":
        return {key: _as_typed_dicts(value) for key, value in node.items()}
    inner = node["schema"]
    if (
        inner.get("type") != "model-fields"
        or node.get("custom_init")
        or node.get("root_model")
        or node.get("post_init")
        or inner.get("computed_fields")
        or set(inner) - {"type", "fields", "model_name", "computed_fields"}
    ):
        raise UnsupportedSchema(node.get("ref"))
    fields = {}
    for name, field in inner["fields"].items():
        if field.get("type") != "model-field" or set(field) - _MODEL_FIELD_KEYS:
            raise UnsupportedSchema(name)
        fields[name] = {
            "type": "typed-dict-field",
            "schema": _as_typed_dicts(field["schema"]),
            # pydantic wraps every field with a default, and only those, in a `default` schema
            "required": field["schema"]["type"] != "default",
            "validation_alias": field["validation_alias"],
        }
    config = node.get("config", {})
    return {
        "type": "typed-dict",
        "fields": fields,
        "extra_behavior": config.get("extra_fields_behavior", "ignore"),
        "config": config,
        "ref": node["ref"],
    }


def typed_dict_schemas() -> dict[str, Any]:
    """The core schemas of `Model` and `CatalogHeader` as typed dicts (see shape.py);
    UnsupportedSchema when this pydantic's schemas look different."""
    try:
        return {
            "model": _as_typed_dicts(Model.__pydantic_core_schema__),
            "header": _as_typed_dicts(CatalogHeader.__pydantic_core_schema__),
        }
    except (KeyError, TypeError) as exc:
        raise UnsupportedSchema(str(exc)) from exc
