"""Publishing a model version into a catalog held in a local git repository.

The YAML is edited with ruamel.yaml's round-trip mode, so the comments, key order, quoting and
layout of everything not touched survive; the whole catalog is validated from the edited texts
in memory before anything is written; the change is committed on a new branch, or only
written with `commit=False`. Every refusal happens before the first write.
"""

from __future__ import annotations

import difflib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from idp_cli.catalog.sources import FolderReader, Source, match_glob
from idp_cli.catalog.vocabulary import LIFECYCLES, RETIRED
from idp_cli.errors import IdpError, Problem

# The model-level fields a new model needs (as the catalog spells them) and the flag for each.
REQUIRED_MODEL_FIELDS = {
    "description": "--description",
    "owner": "--owner",
    "modelType": "--model-type",
    "tasks": "--task",
    "license": "--license",
}
_MAX_WIDTH = 4096  # never re-wrap a long line


class PublishError(IdpError):
    """A publish request refused before anything was written."""


@dataclass
class Request:
    model: str | None
    version: str | None = None
    lifecycle: str | None = None
    artifact_uri: str | None = None
    endpoints: list[str] = field(default_factory=list)
    signature_file: Path | None = None
    changelog: str | None = None
    aliases: list[str] = field(default_factory=list)
    deprecates: str | None = None
    from_file: Path | None = None
    # model-level fields, for a new model (catalog spelling: displayName, modelType, ...)
    model_fields: dict[str, Any] = field(default_factory=dict)
    branch: str | None = None
    commit: bool = True


@dataclass
class Published:
    model: str
    version: str
    files: list[str]  # relative to the repository's root
    branch: str | None
    commit: str | None
    new_model: bool
    deprecated: str | None
    previous_branch: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "version": self.version,
            "files": self.files,
            "branch": self.branch,
            "commit": self.commit,
        }


# --------------------------------------------------------------------------------------------
# Round-trip YAML
# --------------------------------------------------------------------------------------------


def _yaml(mapping: int = 2, sequence: int = 4, offset: int = 2) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = _MAX_WIDTH
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: Any, data: Any) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


_LAYOUTS = [(2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 4, 0), (2, 4, 0), (4, 6, 4), (3, 3, 1)]


class _Doc:
    """One YAML file loaded for round-trip editing, with the indentation that reproduces it."""

    def __init__(self, rel: str, text: str, label: str) -> None:
        from ruamel.yaml.error import YAMLError

        self.rel = rel
        self.original = text
        best: tuple[int, Any, str] | None = None
        for layout in _LAYOUTS:
            yaml = _yaml(*layout)
            try:
                data = yaml.load(text)
            except YAMLError as exc:
                raise PublishError(
                    f"{label}: not valid YAML ({str(exc).splitlines()[0]})",
                    hint="Fix the file (`idp catalog validate`) and publish again.",
                ) from None
            noop = _dump(yaml, data)
            score = 0 if noop == text else _distance(text, noop)
            if best is None or score < best[0]:
                best = (score, layout, noop)
            if score == 0:
                break
        assert best is not None
        self.yaml = _yaml(*best[1])
        self.noop = best[2]
        self.data = self.yaml.load(text)

    def render(self) -> str:
        edited = _dump(self.yaml, self.data)
        return _transplant(self.original, self.noop, edited)


def _distance(a: str, b: str) -> int:
    matcher = difflib.SequenceMatcher(None, a.splitlines(), b.splitlines(), autojunk=False)
    return sum(
        max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    )


def _transplant(original: str, noop: str, edited: str) -> str:
    """`original` with the changes between `noop` (ruamel's re-rendering of it) and `edited`
    applied, so lines ruamel would re-render differently but that were not edited stay as
    they were; `edited` itself when the hunks cannot be placed."""
    if noop == original:
        return edited
    o, n, e = (t.splitlines(keepends=True) for t in (original, noop, edited))
    where: dict[int, int] = {}
    for a, b, size in difflib.SequenceMatcher(None, n, o, autojunk=False).get_matching_blocks():
        for k in range(size):
            where[a + k] = b + k
    out: list[str] = []
    pos = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, n, e, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 < i2:
            span = [where.get(i) for i in range(i1, i2)]
            if None in span or span != list(range(span[0] or 0, (span[0] or 0) + len(span))):
                return edited
            start, end = span[0] or 0, (span[-1] or 0) + 1
        elif i1 - 1 in where:
            start = end = where[i1 - 1] + 1
        elif i1 in where:
            start = end = where[i1]
        else:
            return edited
        if start < pos:
            return edited
        out.extend(o[pos:start])
        out.extend(e[j1:j2])
        pos = end
    out.extend(o[pos:])
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Building the entries
# --------------------------------------------------------------------------------------------


def _flow(data: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    mapping = CommentedMap(data)
    mapping.fa.set_flow_style()
    return mapping


def _flow_list(items: list[Any]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _quoted(value: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(value)


def parse_endpoint(spec: str) -> Any:
    """An `--endpoint` flag as round-trip YAML, its small mappings and lists in flow style."""
    from ruamel.yaml.comments import CommentedMap

    from idp_cli import endpoint_flag

    entry = endpoint_flag.parse(spec)
    if "auth" in entry:
        entry["auth"] = _flow(entry["auth"])
    entry["capabilities"] = _flow_list(entry["capabilities"])
    return CommentedMap(entry)


def read_signature(path: Path) -> Any:
    """A signature from MLflow's `MLmodel` file or from our own YAML, as catalog YAML."""
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _bad_signature(path, str(exc).splitlines()[0]) from None
    if isinstance(raw, dict) and isinstance(raw.get("signature"), dict):
        raw = raw["signature"]  # an MLmodel file (or our YAML under `signature:`)
    if not isinstance(raw, dict) or not ({"inputs", "outputs"} & set(raw)):
        raise _bad_signature(path, "no `inputs`/`outputs` (nor an MLmodel `signature:`) found")
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap()
    for key in ("inputs", "outputs", "params"):
        value = raw.get(key)
        if isinstance(value, str):  # MLflow stores each part as a JSON string
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise _bad_signature(path, f"{key}: not JSON ({exc.msg})") from None
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
            raise _bad_signature(path, f"{key}: must be a list of columns")
        out[key] = [_flow(_column(path, key, c)) for c in value]
    if isinstance(raw.get("example"), dict):
        out["example"] = _flow(dict(raw["example"]))
    return out


def _column(path: Path, key: str, column: dict[str, Any]) -> dict[str, Any]:
    if column.get("type") == "tensor" or "tensor-spec" in column:
        raise _bad_signature(
            path, f"{key}: tensor-based signatures are not supported; use named columns"
        )
    if not column.get("name"):
        raise _bad_signature(path, f"{key}: every column needs a name")
    out: dict[str, Any] = {"name": column["name"], "type": column.get("type")}
    if key == "params":
        if column.get("default") is not None:
            out["default"] = column["default"]
    elif column.get("required") is False:
        out["required"] = False
    for extra in ("enum", "description"):
        if column.get(extra) is not None:
            out[extra] = column[extra]
    return out


def _bad_signature(path: Path, why: str) -> PublishError:
    return PublishError(
        f"--signature-file {path}: does not parse: {why}",
        hint="Pass an MLflow MLmodel file (with a column-based `signature:`) or YAML with "
        "`inputs:` and `outputs:` lists of {name, type}.",
    )


def _read_fragment(path: Path) -> tuple[Any, Any]:
    """(version entry, model-level fields or None) from a YAML fragment: a version entry, or
    a model entry whose `versions` holds the one version to publish."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    try:
        data = _yaml().load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise PublishError(
            f"--from-file {path}: cannot be read: {str(exc).splitlines()[0]}",
            hint="Pass a YAML file holding one version entry (version:, lifecycle:, ...).",
        ) from None
    if not isinstance(data, CommentedMap):
        raise PublishError(
            f"--from-file {path}: must be a mapping holding a version entry",
            hint='e.g. version: "1.2.0"\\nlifecycle: staging\\nartifact: {uri: s3://...}',
        )
    if "versions" not in data:
        return data, None
    versions = data.pop("versions")
    if not isinstance(versions, list) or len(versions) != 1:
        raise PublishError(
            f"--from-file {path}: `versions` must hold exactly the one version to publish"
        )
    return versions[0], data


def build_entries(request: Request) -> tuple[str, Any, dict[str, Any]]:
    """(model name, version entry, model-level fields) from the flags and the fragment."""
    from ruamel.yaml.comments import CommentedMap

    entry: Any = CommentedMap()
    model_fields: dict[str, Any] = {}
    name = request.model
    if request.from_file is not None:
        entry, fragment_model = _read_fragment(request.from_file)
        if fragment_model is not None:
            fragment_name = fragment_model.pop("name", None)
            name = name or (str(fragment_name) if fragment_name else None)
            model_fields.update(fragment_model)
    if not name:
        raise PublishError(
            "which model? pass --model NAME", hint="e.g. --model acme/churn-classifier"
        )
    model_fields.update({k: v for k, v in request.model_fields.items() if v not in (None, [])})
    if "tasks" in model_fields and not request.from_file:
        model_fields["tasks"] = _flow_list(list(model_fields["tasks"]))

    def put(key: str, value: Any, after: tuple[str, ...] = ()) -> None:
        if key in entry:
            entry[key] = value
            return
        index = 0
        for position, existing in enumerate(entry):
            if existing in after:
                index = position + 1
        entry.insert(index, key, value)

    if request.version is not None:
        put("version", _quoted(request.version))
    if request.aliases:
        put("aliases", _flow_list(request.aliases), ("version",))
    if request.lifecycle is not None:
        put("lifecycle", request.lifecycle, ("version", "aliases"))
    order = ("version", "aliases", "lifecycle", "releasedAt", "changelog")
    if request.changelog is not None:
        put("changelog", request.changelog, order)
    if request.artifact_uri is not None:
        put("artifact", _flow({"uri": request.artifact_uri}), (*order, "framework"))
    if request.signature_file is not None:
        put("signature", read_signature(request.signature_file), (*order, "framework", "artifact"))
    if request.endpoints:
        serving = entry.get("serving")
        if not isinstance(serving, dict):
            serving = CommentedMap()
            entry[("serving")] = serving
        endpoints = serving.get("endpoints")
        if not isinstance(endpoints, list):
            endpoints = []
            serving["endpoints"] = endpoints
        endpoints.extend(parse_endpoint(spec) for spec in request.endpoints)

    version = entry.get("version")
    if version is None or str(version).strip() == "":
        raise PublishError("which version? pass --version V", hint="e.g. --version 1.2.0")
    if not isinstance(version, str):  # `version: 1.10` in a fragment is the float 1.1
        raise PublishError(
            f"version {version!r} must be a string; write it in quotes",
            hint='e.g. version: "1.10.0"',
        )
    lifecycle = entry.get("lifecycle")
    if lifecycle not in LIFECYCLES:
        raise PublishError(
            f"unknown lifecycle {lifecycle!r}"
            if lifecycle is not None
            else "which lifecycle? pass --lifecycle",
            hint=f"Use one of: {', '.join(LIFECYCLES)}.",
        )
    return name.strip(), entry, model_fields


# --------------------------------------------------------------------------------------------
# Finding where the model lives
# --------------------------------------------------------------------------------------------


@dataclass
class _Place:
    doc: _Doc
    model: Any  # the model's CommentedMap inside doc.data


class _Catalog:
    def __init__(self, folder: Path, main: str) -> None:
        self.folder = folder
        self.main_rel = main
        self.reader = FolderReader(folder)
        self.main = self._doc(main)
        if not isinstance(self.main.data, dict):
            raise PublishError(
                f"{self.reader.label(main)}: not a catalog (a mapping with apiVersion, kind, models)",
                hint="Run `idp catalog validate` to see what is wrong.",
            )
        includes = self.main.data.get("include")
        self.includes = [p for p in includes if isinstance(p, str)] if includes else []

    def _doc(self, rel: str) -> _Doc:
        return _Doc(rel, self.reader.read_text(rel), self.reader.label(rel))

    def find(self, name: str) -> _Place | None:
        for model in _models_in(self.main.data):
            if model.get("name") == name:
                return _Place(self.main, model)
        seen: set[str] = {self.main_rel}
        for pattern in self.includes:
            for rel in self.reader.glob(pattern):
                if rel in seen:
                    continue
                seen.add(rel)
                if name not in self.reader.read_text(rel):
                    continue  # parse only the files that can hold the model
                doc = self._doc(rel)
                for model in _models_in(doc.data, included=True):
                    if model.get("name") == name:
                        return _Place(doc, model)
        return None

    def new_model_file(self, name: str) -> str | None:
        """Where a new model's own file goes, when the catalog is split with includes."""
        slug = name.replace("/", "-")
        for pattern in self.includes[:1]:
            parts = PurePosixPath(pattern).parts
            folder = [p for p in parts[:-1] if not any(c in p for c in "*?[")]
            if len(folder) != len(parts) - 1 and "**" not in parts:
                return None
            last = parts[-1]
            if last.count("*") == 1 and not any(c in last for c in "?["):
                filename = last.replace("*", slug)
            else:
                filename = f"{slug}.yaml"
            rel = "/".join([*folder, filename])
            if match_glob([rel], pattern):
                return rel
        return None


def _models_in(data: Any, *, included: bool = False) -> list[Any]:
    if isinstance(data, dict):
        if isinstance(data.get("models"), list):
            return [m for m in data["models"] if isinstance(m, dict)]
        return [data] if included and "name" in data else []
    if included and isinstance(data, list):
        return [m for m in data if isinstance(m, dict)]
    return []


# --------------------------------------------------------------------------------------------
# Validation over the edited texts
# --------------------------------------------------------------------------------------------


class _OverlayReader:
    """The catalog's folder as it would be with `texts` written (nothing is)."""

    def __init__(self, base: FolderReader, texts: dict[str, str]) -> None:
        self.base = base
        self.texts = texts

    def read_text(self, rel: str) -> str:
        return self.texts[rel] if rel in self.texts else self.base.read_text(rel)

    def glob(self, pattern: str) -> list[str]:
        return sorted(set(self.base.glob(pattern)) | set(match_glob(list(self.texts), pattern)))

    def fingerprint(self, rel: str) -> str:
        return f"publish:{hash(self.texts[rel])}" if rel in self.texts else "publish"

    def label(self, rel: str) -> str:
        return self.base.label(rel)


def check(folder: Path, main: str, texts: dict[str, str]) -> list[Problem]:
    from idp_cli.catalog.loader import load

    source = Source(
        kind="file",
        display=str(folder / main),
        reader=_OverlayReader(FolderReader(folder), texts),
        main=main,
        # one fixed cache slot per catalog, overwritten by each publish and never read back
        identity=f"publish-check:{folder / main}",
    )
    return load(source, use_cache=False, summary=True).problems


# --------------------------------------------------------------------------------------------
# The whole operation
# --------------------------------------------------------------------------------------------


def _git_root(folder: Path) -> Path | None:
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            return parent
    return None


def _local_folder(source: Source) -> tuple[Path, Path]:
    """(catalog folder, repository root) of a catalog in a local git working tree."""
    if source.kind == "git-url":
        raise PublishError(
            f"{source.display}: publish edits a local clone, not a git URL",
            hint="Clone the catalog repository and pass --catalog PATH_TO_CLONE.",
        )
    if source.kind == "git-ref":
        raise PublishError(
            f"{source.display}: publish edits the working tree, not a ref ({source.ref})",
            hint="Drop --catalog-ref (and unset IDP_CATALOG_REF) to publish.",
        )
    if source.kind == "bundled" or not isinstance(source.reader, FolderReader):
        raise PublishError(
            "the bundled catalog cannot be published to",
            hint="Pass --catalog PATH to a catalog in a local git repository.",
        )
    folder = source.reader.root.resolve()
    root = _git_root(folder)
    if root is None:
        raise PublishError(
            f"{source.display}: not inside a git repository",
            hint="publish commits to a new branch: run `git init` there (or clone the catalog "
            "repository) and publish again.",
        )
    return folder, root


def default_branch(model: str, version: str) -> str:
    return f"publish/{model.replace('/', '-')}-{version}"


def publish(source: Source, request: Request) -> Published:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    folder, root = _local_folder(source)
    name, entry, model_fields = build_entries(request)
    version = str(entry["version"])
    catalog = _Catalog(folder, source.main)
    place = catalog.find(name)
    new_file: str | None = None

    if place is None:
        if request.deprecates:
            raise PublishError(
                f"--deprecates {request.deprecates}: model {name} is not in the catalog yet",
                hint="Drop --deprecates for a new model, or check the model's name.",
            )
        missing = [flag for key, flag in REQUIRED_MODEL_FIELDS.items() if not model_fields.get(key)]
        if missing:
            raise PublishError(
                f"{name} is a new model and needs {', '.join(missing)}",
                hint="A new model needs --description, --owner, --model-type, --task and "
                "--license (or these fields in the --from-file fragment); check the name if "
                "the model should already exist (`idp models list`).",
            )
        model = CommentedMap([("name", name)])
        for key, value in model_fields.items():
            model[key] = value
        model["versions"] = CommentedSeq([entry])
        new_file = catalog.new_model_file(name)
        if new_file is not None:
            if (folder / new_file).exists():
                raise PublishError(
                    f"{catalog.reader.label(new_file)} already exists but does not hold {name}",
                    hint="Move it away or publish with a different model name.",
                )
            edited = {new_file: _dump(_new_file_yaml(catalog.main), model)}
        else:
            models = catalog.main.data.get("models")
            if not isinstance(models, list):
                models = CommentedSeq()
                catalog.main.data["models"] = models
            models.append(model)
            edited = {catalog.main.rel: catalog.main.render()}
        deprecated = None
    else:
        if model_fields:
            given = ", ".join(sorted(model_fields))
            raise PublishError(
                f"{name} already exists: model-level fields ({given}) are only for a new model",
                hint="Edit the model's fields in the catalog directly, or drop those options.",
            )
        versions = place.model.get("versions")
        if not isinstance(versions, list):
            versions = CommentedSeq()
            place.model["versions"] = versions
        existing = {str(v.get("version")): v for v in versions if isinstance(v, dict)}
        if version in existing:
            raise PublishError(
                f"{name}@{version} already exists",
                hint="Publish a new version number; versions are immutable once published.",
            )
        deprecated = None
        if request.deprecates:
            old = existing.get(request.deprecates)
            if old is None:
                known = ", ".join(existing) or "none"
                raise PublishError(
                    f"--deprecates {request.deprecates}: {name} has no such version "
                    f"(it has: {known})",
                    hint="Name an existing version of the same model.",
                )
            _deprecate(old, f"{name}@{version}")
            deprecated = request.deprecates
        versions.insert(0, entry)  # newest first, as catalogs list them
        edited = {place.doc.rel: place.doc.render()}

    problems = check(folder, source.main, edited)
    if problems:
        shown = "\n  ".join(p.render() for p in problems)
        raise PublishError(
            f"publishing {name}@{version} would make the catalog invalid; nothing was "
            f"written:\n  {shown}",
            hint="Fix the options or the fragment (lines are as they would be after the edit).",
        )

    if deprecated:
        _warn_if_breaking(f"{name}@{deprecated}", existing[deprecated], f"{name}@{version}", entry)
    files = [(folder / rel).relative_to(root).as_posix() for rel in edited]
    result = Published(name, version, files, None, None, place is None, deprecated)
    if not request.commit:
        _write(folder, edited)
        return result
    message = f"feat(catalog): publish {name}@{version}"
    if deprecated:
        message += f"; deprecate {name}@{deprecated}"
    branch = request.branch or default_branch(name, version)
    _commit(root, folder, edited, files, branch, message, result)
    return result


def _warn_if_breaking(old_ref: str, old: Any, new_ref: str, new: Any) -> None:
    """Projects bound to the deprecated version move to its successor with `idp update
    --latest`: whoever deprecates should know when that breaks their callers."""
    from idp_cli import warning_sink
    from idp_cli.signature_changes import Interface, compare

    changes = compare(Interface.of_version(old), Interface.of_version(new))
    breaking = "; ".join(c.description for c in changes if c.breaking)
    if breaking:
        warning_sink.warn(f"{new_ref} breaks callers of {old_ref}, its successor now: {breaking}")


def _deprecate(old: Any, successor: str) -> None:
    if old.get("lifecycle") not in RETIRED:
        old["lifecycle"] = "deprecated"
    deprecation = old.get("deprecation")
    if isinstance(deprecation, dict):
        deprecation["successor"] = successor
        return
    keys = list(old)
    at = keys.index("lifecycle") + 1 if "lifecycle" in keys else len(keys)
    old.insert(at, "deprecation", _flow({"successor": _quoted(successor)}))


def _new_file_yaml(main: _Doc) -> Any:
    # a new model file takes the main file's indentation
    return main.yaml


def _write(folder: Path, texts: dict[str, str]) -> None:
    for rel, text in texts.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _commit(
    root: Path,
    folder: Path,
    edited: dict[str, str],
    files: list[str],
    branch: str,
    message: str,
    result: Published,
) -> None:
    import git

    from idp_cli import gitsource

    repo = gitsource.open_repo(root)
    try:
        repo.git.check_ref_format("--branch", branch)
    except git.GitCommandError:
        raise PublishError(
            f"--branch {branch!r} is not a valid branch name",
            hint="Use letters, digits, '-', '_', '.' and '/'.",
        ) from None
    if branch in [head.name for head in repo.heads]:
        raise PublishError(
            f"branch {branch} already exists",
            hint="Pass --branch NAME for another branch, or delete the old one "
            f"(`git branch -D {branch}`).",
        )
    status = repo.git.status("--porcelain", "--untracked-files=all", "--", *files)
    if status.strip():
        changed = ", ".join(sorted({line[3:] for line in status.splitlines()}))
        raise PublishError(
            f"uncommitted changes to the files publish must edit: {changed}",
            hint="Commit or stash them first (`git stash`), or pass --no-commit to only "
            "write the files.",
        )
    try:
        previous: str | None = repo.active_branch.name
    except TypeError:  # a detached HEAD
        previous = None
    originals = {rel: (folder / rel).read_bytes() for rel in edited if (folder / rel).exists()}
    repo.git.checkout("-b", branch)
    try:
        _write(folder, edited)
        repo.git.add("--", *files)
        repo.git.commit("--quiet", "--message", message, "--", *files)
    except git.GitCommandError as exc:
        # put everything back as it was: the user's branch, the files, no new branch
        for rel in edited:
            if rel in originals:
                (folder / rel).write_bytes(originals[rel])
            else:
                (folder / rel).unlink(missing_ok=True)
        repo.git.reset("--quiet", "--", *files)
        repo.git.checkout(previous or "-")
        repo.git.branch("-D", branch)
        raise PublishError(
            f"git could not commit: {gitsource.redact(str(exc.stderr).strip())}",
            hint="Nothing was changed; fix the git problem (a hook, the identity) and publish again.",
        ) from None
    result.branch = branch
    result.commit = repo.head.commit.hexsha
    result.previous_branch = previous
