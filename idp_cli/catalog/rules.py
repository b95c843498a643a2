"""Rules that span fields or models, run on data that already has the right shape, and the
scan for literal credentials, run on everything."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from idp_cli.catalog import successors
from idp_cli.catalog.vocabulary import EMBEDDING_TASK, PROTOCOLS_NEEDING_MODEL_ID, RETIRED

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """A problem inside one model, before it is placed in a file."""

    path: Path
    message: str


_CREDENTIAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("an API key", re.compile(r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}")),
    (
        "a GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"),
    ),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{30,}")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    (
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    ("a password in a URL", re.compile(r"://[^/\s:@]+:[^/\s@]+@")),
    ("a bearer token", re.compile(r"\bBearer\s+[A-Za-z0-9._~+/-]{16,}")),
)
_SECRET_KEY = re.compile(
    r"^(?:.*[_-])?(?:token|password|passwd|secret|api[_-]?key|apikey|access[_-]?key|"
    r"private[_-]?key|credentials?)$",
    re.IGNORECASE,
)
_SECRET_KEY_CAMEL = re.compile(r"(?:Token|Password|Secret|ApiKey|AccessKey|PrivateKey)$")


# For clearing a whole file at once: the same patterns without their leading `\b`, so that the
# regex engine can look for their literal start (a plain pass over a 20 MB catalog takes
# seconds).
_FAST_VALUE = tuple(
    (re.compile(p.pattern.removeprefix(r"\b")), p.pattern.startswith(r"\b"))
    for _, p in _CREDENTIAL_PATTERNS
)
# Key words (`apiToken:`, `password :`) are looked for in the reversed text, where a match
# starts at the colon ending the key: one pass from a literal, instead of one per word (an
# alternation of the words would have no literal start).
_FAST_KEY_REVERSED = re.compile(
    r""":[ \t]*['"]?s?(?:"""
    + "|".join(
        word[::-1]
        for word in (
            "token",
            "password",
            "passwd",
            "secret",
            "apikey",
            "api_key",
            "api-key",
            "accesskey",
            "access_key",
            "access-key",
            "privatekey",
            "private_key",
            "private-key",
            "credential",
        )
    )
    + ")"
)


def may_hold_credentials(text: str) -> bool:
    """False when no credential can be in a YAML file with this text: the walk over every
    value (`scan_credentials`) is then skipped. May say True for a file without one."""
    if "\\" in text:  # an escape in a quoted string could spell out anything
        return True
    for pattern, at_word_start in _FAST_VALUE:
        for match in pattern.finditer(text):
            start = match.start()
            if (
                not at_word_start
                or start == 0
                or not (text[start - 1].isalnum() or text[start - 1] == "_")
            ):
                return True
    return _FAST_KEY_REVERSED.search(text.lower()[::-1]) is not None


def strings_may_hold_credentials(keys: list[str], values: list[str]) -> bool:
    """`may_hold_credentials` for a document given as its distinct keys and string values,
    which are far shorter than its text (a screen for fastyaml.load_screened)."""
    return may_hold_credentials("\n".join([*(f"{key}:" for key in keys), *values]))


def scan_credentials(data: Any, path: Path = ()) -> Iterator[Finding]:
    """Anything that looks like a literal credential, wherever it stands."""
    if isinstance(data, dict):
        for key, value in data.items():
            child = (*path, str(key))
            if (
                isinstance(key, str)
                and isinstance(value, str | int)
                and not isinstance(value, bool)
                and str(value)
                and (_SECRET_KEY.match(key) or _SECRET_KEY_CAMEL.search(key))
            ):
                yield Finding(
                    child,
                    "looks like a literal credential; the catalog may only name the "
                    "environment variable that holds it (auth.tokenEnv)",
                )
                continue
            yield from scan_credentials(value, child)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from scan_credentials(value, (*path, index))
    elif isinstance(data, str):
        for what, pattern in _CREDENTIAL_PATTERNS:
            if pattern.search(data):
                yield Finding(
                    path,
                    f"contains what looks like {what}; never put credentials in the catalog, "
                    "reference an environment variable with auth.tokenEnv",
                )
                break


@dataclass(frozen=True)
class _Others:
    """The rest of the catalog, for the rules that span models."""

    targets: successors.Targets
    unchecked: frozenset[str]


def check_models(
    models: list[dict[str, Any]],
    unchecked: frozenset[str] = frozenset(),
    alone_done: Sequence[bool] = (),
) -> Iterator[tuple[int, Finding]]:
    """Cross-reference rules over validated models; yields (model index, finding).

    `unchecked` names the models that failed the shape check: references to them are not
    reported as dangling, since their own problems are reported already. `alone_done[i]`
    says model i passed `model_findings` already (in a worker process): only the rules that
    span models then run for it.
    """
    by_name: dict[str, dict[str, Any]] = {}
    for index, model in enumerate(models):
        if model["name"] in by_name:
            yield index, Finding(("name",), f"duplicate model name {model['name']!r}")
        else:
            by_name[model["name"]] = model
    targets = successors.Targets(by_name)
    others = _Others(targets, unchecked)
    for index, model in enumerate(models):
        if index < len(alone_done) and alone_done[index]:
            findings = _check_successors(model, others)
        else:
            findings = _check_model(model, others)
        for finding in findings:
            yield index, finding
    for index, path, message in successors.cycles(models, targets):
        yield index, Finding(path, message)


def model_findings(model: dict[str, Any]) -> Iterator[Finding]:
    """The rules that look at one validated model alone."""
    return _check_model(model, None)


def _check_model(model: dict[str, Any], others: _Others | None) -> Iterator[Finding]:
    """The rules about one model alone, and those that span models when `others` is given."""
    yield from _check_versions(model)
    for vi, version in enumerate(model["versions"]):
        yield from _check_version(model, version, ("versions", vi), others)


def _check_successors(model: dict[str, Any], others: _Others) -> Iterator[Finding]:
    """The rules of `_check_model` that span models, for a model that passed the others
    already: only a version's successor looks at other models."""
    for vi, version in enumerate(model["versions"]):
        successor = successors.successor_of(version)
        if successor:
            yield from _check_successor(model, version, successor, ("versions", vi), others)


def _check_versions(model: dict[str, Any]) -> Iterator[Finding]:
    versions: dict[str, int] = {}
    aliases: dict[str, str] = {}
    for vi, version in enumerate(model["versions"]):
        vpath: Path = ("versions", vi)
        if version["version"] in versions:
            yield Finding(
                (*vpath, "version"),
                f"duplicate version {version['version']!r} "
                f"(also versions[{versions[version['version']]}])",
            )
        versions.setdefault(version["version"], vi)
        for ai, alias in enumerate(version.get("aliases", [])):
            if alias in aliases:
                yield Finding(
                    (*vpath, "aliases", ai),
                    f"alias {alias!r} is already used by version {aliases[alias]!r}",
                )
            aliases.setdefault(alias, version["version"])
    for alias, owner in aliases.items():
        if alias in versions and versions.get(alias) is not None and owner != alias:
            yield Finding(
                ("versions", versions[owner], "aliases"),
                f"alias {alias!r} is also the name of a version",
            )

    default = model.get("defaultVersion")
    if default is not None and default not in versions and default not in aliases:
        yield Finding(
            ("defaultVersion",),
            f"{default!r} is neither a version nor an alias of this model "
            f"(versions: {', '.join(sorted(versions))})",
        )


def _check_version(
    model: dict[str, Any],
    version: dict[str, Any],
    vpath: Path,
    others: _Others | None,
) -> Iterator[Finding]:
    lifecycle = version["lifecycle"]
    successor = successors.successor_of(version)
    if lifecycle in RETIRED and not successor:
        yield Finding(
            (*vpath, "deprecation", "successor")
            if version.get("deprecation")
            else (*vpath, "lifecycle"),
            f"a {lifecycle} version needs deprecation.successor (name@version of its replacement)",
        )
    if successor and others is not None:
        yield from _check_successor(model, version, successor, vpath, others)

    signature = version.get("signature") or {}
    if model["modelType"] == "predictive":
        for part in ("inputs", "outputs"):
            if not signature.get(part):
                where = (*vpath, "signature", part) if signature else (*vpath,)
                yield Finding(where, f"a predictive model version needs signature.{part}")
    yield from _check_example(signature, vpath)
    if version.get("embedding") and EMBEDDING_TASK not in model["tasks"]:
        yield Finding(
            (*vpath, "embedding"),
            f"embedding.dimension is for embedding models (tasks: [{EMBEDDING_TASK}]); "
            f"this model's tasks are {', '.join(model['tasks'])}",
        )

    endpoints = (version.get("serving") or {}).get("endpoints", [])
    seen: set[str] = set()
    for ei, endpoint in enumerate(endpoints):
        epath: Path = (*vpath, "serving", "endpoints", ei)
        if endpoint["name"] in seen:
            yield Finding((*epath, "name"), f"duplicate endpoint name {endpoint['name']!r}")
        seen.add(endpoint["name"])
        if endpoint["protocol"] in PROTOCOLS_NEEDING_MODEL_ID and not endpoint.get("modelId"):
            yield Finding(
                (*epath, "modelId"),
                f"a {endpoint['protocol']} endpoint needs modelId (the model name the server expects)",
            )
        auth = endpoint.get("auth")
        if auth and auth["type"] != "none" and not auth.get("tokenEnv"):
            yield Finding(
                (*epath, "auth", "tokenEnv"),
                f"auth type {auth['type']!r} needs tokenEnv: the environment variable holding the token",
            )
        if auth and auth["type"] == "none" and auth.get("tokenEnv"):
            yield Finding((*epath, "auth", "tokenEnv"), "auth type 'none' takes no tokenEnv")


def _check_successor(
    model: dict[str, Any],
    version: dict[str, Any],
    successor: str,
    vpath: Path,
    others: _Others,
) -> Iterator[Finding]:
    name, selector, target = others.targets.follow(successor)
    if target is None:
        yield from _dangling(successor, name, selector, vpath, others)
        return
    if name != model["name"]:
        return
    if selector is None:  # the model's default version, as `idp update --latest` follows it
        itself = target == version["version"]
    else:
        itself = selector == version["version"] or selector in version.get("aliases", ())
    if itself:
        yield Finding((*vpath, "deprecation", "successor"), "a version cannot be its own successor")


def _dangling(
    successor: str, name: str, selector: str | None, vpath: Path, others: _Others
) -> Iterator[Finding]:
    """What is wrong with a successor that names no version."""
    spath = (*vpath, "deprecation", "successor")
    if name not in others.targets.by_name:
        if name not in others.unchecked:
            yield Finding(spath, f"successor {successor!r}: no model named {name!r} in the catalog")
    elif selector is not None:
        yield Finding(
            spath, f"successor {successor!r}: model {name!r} has no version or alias {selector!r}"
        )
    elif not others.targets.by_name[name].get("defaultVersion"):
        # (a defaultVersion that does not resolve is reported at the model)
        yield Finding(
            spath,
            f"successor {successor!r}: model {name!r} has no default version to follow "
            "(no defaultVersion and no production version); name one as "
            f"{name}@VERSION",
        )


def _check_example(signature: dict[str, Any], vpath: Path) -> Iterator[Finding]:
    example = signature.get("example")
    if not example:
        return
    inputs = {c["name"]: c for c in signature.get("inputs", [])}
    if not inputs:
        return
    for key, value in example.items():
        column = inputs.get(key)
        epath = (*vpath, "signature", "example", key)
        if column is None:
            yield Finding(epath, f"{key!r} is not an input of the signature ({', '.join(inputs)})")
        elif column.get("enum") and value not in column["enum"]:
            yield Finding(epath, f"{value!r} is not one of {column['enum']}")
    for name, column in inputs.items():
        if column.get("required", True) and name not in example:
            yield Finding(
                (*vpath, "signature", "example"), f"the example lacks the required input {name!r}"
            )
