"""The catalog's git history: how one model evolved (`idp models history`) and what changed
between two refs (`idp catalog diff`).

Both read blobs from git's object database, never by checking commits out, and both read
only the files that changed: a catalog split into one file per model (`include:`) costs a few
blob reads per commit, not a parse of the whole catalog. `history` follows the first-parent
line of the branch (`git log --first-parent` over the catalog's folder, with each commit's raw
file changes), so a merged pull request counts as its merge commit. The data is the catalog's
own YAML as written, the same data a validated catalog holds; neither command validates it
(`idp catalog validate --catalog-ref REF` does).

GitPython objects come from `gitsource` (the only module importing GitPython); this module
uses them without importing the library.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idp_cli import gitsource, warning_sink
from idp_cli.catalog.model import version_key
from idp_cli.catalog.query import closest_names_hint
from idp_cli.catalog.sources import FolderReader, Source, match_glob
from idp_cli.catalog.vocabulary import RETIRED
from idp_cli.errors import CatalogError, IdpError, NotFound, SourceError
from idp_cli.field_changes import field_changes
from idp_cli.successor_impact import successor_impact

if TYPE_CHECKING:
    import git

WORKTREE = "working tree"
ENDPOINT_FIELDS = ("protocol", "url", "modelId")


# --------------------------------------------------------------------------------------------
# Where the catalog lives in git
# --------------------------------------------------------------------------------------------


@dataclass
class GitCatalog:
    """A catalog inside a git repository: its folder there, and where its history ends."""

    repo: git.Repo
    subdir: str  # the catalog's folder inside the repository: "" or "path/to/"
    main: str  # the catalog file, relative to that folder
    end: git.Commit  # HEAD of the working tree, or the commit a ref/URL source names
    end_label: str
    display: str
    worktree: Path | None = None  # the catalog's folder on disk, for a working-tree source


def locate(source: Source) -> GitCatalog:
    """The git repository behind `source`, or SourceError (exit 1) when it has none."""
    reader = source.reader
    if isinstance(reader, gitsource.TreeReader):
        return GitCatalog(
            repo=reader.commit.repo,
            subdir=reader.subdir,
            main=source.main,
            end=reader.commit,
            end_label=reader.ref_label,
            display=source.display,
        )
    root = source._worktree_root
    if source.kind == "git-worktree" and root is not None and isinstance(reader, FolderReader):
        repo = gitsource.open_repo(root)
        try:
            end = gitsource.resolve_commit(repo, "HEAD", str(root))
        except SourceError:
            raise SourceError(
                f"{root}: the repository has no commits yet",
                hint="Commit the catalog first: its history starts with its first commit.",
            ) from None
        return GitCatalog(
            repo=repo,
            subdir=source._subdir,
            main=source.main,
            end=end,
            end_label="HEAD",
            display=source.display,
            worktree=reader.root,
        )
    raise SourceError(
        f"{source.display}: the catalog is not in a git repository",
        hint="History and diff read the catalog's git history: pass --catalog with a catalog "
        "inside a git repository (a path or a git URL).",
    )


def _valid_pattern(pattern: object) -> bool:
    return (
        isinstance(pattern, str) and not pattern.startswith("/") and ".." not in pattern.split("/")
    )


def _patterns(header: Any) -> tuple[str, ...]:
    includes = header.get("include") if isinstance(header, dict) else None
    if not isinstance(includes, list):
        return ()
    return tuple(p for p in includes if _valid_pattern(p))


def _models_in(data: Any, is_main: bool) -> list[dict[str, Any]]:
    """The models a catalog file holds, by the loader's rules (see validation._include)."""
    if is_main:
        found = data.get("models") if isinstance(data, dict) else None
        items = found if isinstance(found, list) else []
    elif isinstance(data, dict) and "models" in data:
        items = data["models"] if isinstance(data["models"], list) else []
    elif isinstance(data, dict):
        items = [data]
    elif isinstance(data, list):
        items = data
    else:
        items = []
    return [m for m in items if isinstance(m, dict) and isinstance(m.get("name"), str)]


def _parse(data: bytes, label: str) -> Any:
    from idp_cli.catalog.yamldoc import load_yaml

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{label}: not UTF-8 text ({exc.reason})") from None
    return load_yaml(text, label)


class _Blobs:
    """Blob contents and parsed YAML from the object database, each read once."""

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self._parsed: dict[str, Any] = {}

    def read(self, sha: str) -> bytes:
        stream: Any = self.repo.odb.stream(bytes.fromhex(sha))
        data: bytes = stream.read()
        return data

    def parsed(self, sha: str, label: str) -> Any:
        if sha not in self._parsed:
            self._parsed[sha] = _parse(self.read(sha), label)
        return self._parsed[sha]


def _tree_files(commit: git.Commit, subdir: str) -> dict[str, str]:
    """Every file under the catalog's folder at `commit`: path in the folder -> blob id."""
    tree: Any = commit.tree
    if subdir:
        try:
            tree = tree / subdir.rstrip("/")
        except KeyError:
            return {}
    cut = len(subdir)
    items: Any = tree.traverse()
    return {str(item.path)[cut:]: item.hexsha for item in items if item.type == "blob"}


def _blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


# --------------------------------------------------------------------------------------------
# A catalog at one ref, read lazily file by file
# --------------------------------------------------------------------------------------------


@dataclass
class Snapshot:
    label: str  # the ref as given, or "working tree"
    commit: str | None
    main: str
    files: dict[str, str]  # every catalog file (main and included) -> blob id
    header: dict[str, Any]  # the main file without `models`
    _models: Callable[[str], list[dict[str, Any]]] = field(repr=False)

    def models(self, rel: str) -> list[dict[str, Any]]:
        return self._models(rel)


def _catalog_files(main: str, names: Callable[[str], list[str]], header: Any) -> list[str]:
    found = {main}
    for pattern in _patterns(header):
        found.update(n for n in names(pattern) if n != main)
    return sorted(found)


def commit_snapshot(cat: GitCatalog, ref: str, blobs: _Blobs) -> Snapshot:
    commit = gitsource.resolve_commit(cat.repo, ref, cat.display)
    tree = _tree_files(commit, cat.subdir)
    label = f"{ref}:{cat.subdir}"
    if cat.main not in tree:
        raise CatalogError(
            f"{label}{cat.main}: no such file at this ref",
            hint="Name a ref at which the catalog exists.",
        )
    main_data = blobs.parsed(tree[cat.main], f"{label}{cat.main}")
    names = list(tree)
    files = _catalog_files(cat.main, lambda p: match_glob(names, p), main_data)

    def models(rel: str) -> list[dict[str, Any]]:
        return _models_in(blobs.parsed(tree[rel], f"{label}{rel}"), rel == cat.main)

    return Snapshot(
        label=ref,
        commit=commit.hexsha,
        main=cat.main,
        files={rel: tree[rel] for rel in files},
        header=_header(main_data),
        _models=models,
    )


def worktree_snapshot(cat: GitCatalog) -> Snapshot:
    folder = cat.worktree
    assert folder is not None
    reader = FolderReader(folder)
    raw: dict[str, bytes] = {}

    def read(rel: str) -> bytes:
        if rel not in raw:
            try:
                raw[rel] = (folder / rel).read_bytes()
            except OSError as exc:
                raise CatalogError(
                    f"{reader.label(rel)}: cannot be read ({exc.strerror})"
                ) from None
        return raw[rel]

    parsed: dict[str, Any] = {}

    def data(rel: str) -> Any:
        if rel not in parsed:
            parsed[rel] = _parse(read(rel), reader.label(rel))
        return parsed[rel]

    main_data = data(cat.main)
    files = _catalog_files(cat.main, reader.glob, main_data)
    return Snapshot(
        label=WORKTREE,
        commit=None,
        main=cat.main,
        files={rel: _blob_id(read(rel)) for rel in files},
        header=_header(main_data),
        _models=lambda rel: _models_in(data(rel), rel == cat.main),
    )


def _header(data: Any) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "models"} if isinstance(data, dict) else {}


def _versions(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    versions = model.get("versions")
    if not isinstance(versions, list):
        return {}
    return {str(v["version"]): v for v in versions if isinstance(v, dict) and "version" in v}


def _lifecycle(version: dict[str, Any] | None) -> str | None:
    return str(version["lifecycle"]) if version and "lifecycle" in version else None


def _successor(version: dict[str, Any] | None) -> str | None:
    deprecation = (version or {}).get("deprecation")
    successor = deprecation.get("successor") if isinstance(deprecation, dict) else None
    return str(successor) if successor else None


def _endpoints(version: dict[str, Any]) -> dict[str, dict[str, Any]]:
    serving = version.get("serving")
    endpoints = serving.get("endpoints") if isinstance(serving, dict) else None
    if not isinstance(endpoints, list):
        return {}
    return {
        str(e.get("name", index)): e for index, e in enumerate(endpoints) if isinstance(e, dict)
    }


def _endpoint_view(endpoint: dict[str, Any] | None) -> dict[str, Any] | None:
    if endpoint is None:
        return None
    return {k: endpoint.get(k) for k in ENDPOINT_FIELDS}


# --------------------------------------------------------------------------------------------
# idp catalog diff
# --------------------------------------------------------------------------------------------


def diff_refs(cat: GitCatalog, ref_a: str, ref_b: str | None) -> dict[str, Any]:
    """What changed from `ref_a` to `ref_b` (default: the working tree, or the source's own
    commit when there is no working tree)."""
    blobs = _Blobs(cat.repo)
    old = commit_snapshot(cat, ref_a, blobs)
    if ref_b is None and cat.worktree is not None:
        new = worktree_snapshot(cat)
    else:
        new = commit_snapshot(cat, ref_b or cat.end.hexsha, blobs)
        if ref_b is None:
            new.label = cat.end_label
    return diff_snapshots(old, new)


def _collect(snapshot: Snapshot, rels: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for rel in rels:
        for model in snapshot.models(rel):
            found.setdefault(str(model["name"]), model)
    return found


def diff_snapshots(old: Snapshot, new: Snapshot) -> dict[str, Any]:
    # Files with the same blob hold the same models on both sides: only the others are read.
    changed_files = sorted(
        rel for rel in {*old.files, *new.files} if old.files.get(rel) != new.files.get(rel)
    )
    before = _collect(old, [r for r in changed_files if r in old.files])
    after = _collect(new, [r for r in changed_files if r in new.files])

    changes: list[dict[str, Any]] = []
    lifecycle: list[dict[str, Any]] = []
    endpoints: list[dict[str, Any]] = []
    impact: list[dict[str, Any]] = []
    summary = dict.fromkeys(
        (
            "modelsAdded",
            "modelsRemoved",
            "modelsChanged",
            "versionsAdded",
            "versionsRemoved",
            "versionsChanged",
            "lifecycleTransitions",
            "endpointChanges",
        ),
        0,
    )

    def change(kind: str, model: str | None, version: str | None = None, **extra: Any) -> None:
        changes.append({"change": kind, "model": model, "version": version, **extra})

    for path, a, b in field_changes(old.header, new.header):
        change("catalog-changed", None, path=path, **{"from": a, "to": b})

    for name in sorted({*before, *after}):
        a_model, b_model = before.get(name), after.get(name)
        if a_model == b_model:
            continue
        if a_model is None:
            assert b_model is not None
            summary["modelsAdded"] += 1
            change("model-added", name, versions=list(_versions(b_model)))
            continue
        if b_model is None:
            summary["modelsRemoved"] += 1
            change("model-removed", name, versions=list(_versions(a_model)))
            impact.append(
                {
                    "kind": "model-removed",
                    "model": name,
                    "ref": name,
                    "message": f"model {name} was removed; projects bound to it lose their "
                    "catalog entry",
                }
            )
            continue
        summary["modelsChanged"] += 1
        strip = ("versions",)
        for path, a, b in field_changes(
            {k: v for k, v in a_model.items() if k not in strip},
            {k: v for k, v in b_model.items() if k not in strip},
        ):
            change("model-changed", name, path=path, **{"from": a, "to": b})
        old_versions, new_versions = _versions(a_model), _versions(b_model)
        order = sorted({*old_versions, *new_versions}, key=version_key, reverse=True)
        for number in order:
            _diff_version(
                name,
                number,
                old_versions.get(number),
                new_versions.get(number),
                change,
                summary,
                lifecycle,
                endpoints,
                impact,
            )

    impact.extend(successor_impact(before, after))
    return {
        "from": {"ref": old.label, "commit": old.commit},
        "to": {"ref": new.label, "commit": new.commit},
        "changed": bool(changes),
        "summary": summary,
        "changes": changes,
        "lifecycle": lifecycle,
        "endpoints": endpoints,
        "impact": impact,
    }


def _diff_version(
    model: str,
    number: str,
    a: dict[str, Any] | None,
    b: dict[str, Any] | None,
    change: Callable[..., None],
    summary: dict[str, int],
    lifecycle: list[dict[str, Any]],
    endpoints: list[dict[str, Any]],
    impact: list[dict[str, Any]],
) -> None:
    ref = f"{model}@{number}"
    if a == b:
        return
    if a is None:
        summary["versionsAdded"] += 1
        change("version-added", model, number, lifecycle=_lifecycle(b))
        return
    if b is None:
        summary["versionsRemoved"] += 1
        change("version-removed", model, number, lifecycle=_lifecycle(a))
        impact.append(
            {
                "kind": "version-removed",
                "model": model,
                "ref": ref,
                "message": f"{ref} was removed from the catalog",
            }
        )
        return
    summary["versionsChanged"] += 1
    for path, old, new in field_changes(a, b):
        change("version-changed", model, number, path=path, **{"from": old, "to": new})
    was, now = _lifecycle(a), _lifecycle(b)
    if was != now:
        summary["lifecycleTransitions"] += 1
        successor = _successor(b)
        lifecycle.append(
            {
                "model": model,
                "version": number,
                "ref": ref,
                "from": was,
                "to": now,
                "successor": successor,
            }
        )
        if now in RETIRED:
            then = f"; successor {successor}" if successor else "; no successor named"
            impact.append(
                {
                    "kind": str(now),
                    "model": model,
                    "ref": ref,
                    "successor": successor,
                    "message": f"{ref} is now {now}{then}",
                }
            )
    old_endpoints, new_endpoints = _endpoints(a), _endpoints(b)
    for name in [*old_endpoints, *(n for n in new_endpoints if n not in old_endpoints)]:
        before = _endpoint_view(old_endpoints.get(name))
        after = _endpoint_view(new_endpoints.get(name))
        if before == after:
            continue
        kind = "added" if before is None else "removed" if after is None else "changed"
        fields = [f for f in ENDPOINT_FIELDS if (before or {}).get(f) != (after or {}).get(f)]
        summary["endpointChanges"] += 1
        endpoints.append(
            {
                "model": model,
                "version": number,
                "ref": ref,
                "endpoint": name,
                "change": kind,
                "fields": fields,
                "from": before,
                "to": after,
            }
        )
        if kind == "added":
            continue
        if kind == "removed":
            message = f"{ref}: endpoint {name} was removed"
        else:
            moved = ", ".join(
                f"{f} {(before or {}).get(f)} -> {(after or {}).get(f)}" for f in fields
            )
            message = f"{ref}: endpoint {name} moved ({moved})"
        impact.append(
            {
                "kind": "endpoint-removed" if kind == "removed" else "endpoint-moved",
                "model": model,
                "ref": ref,
                "endpoint": name,
                "from": before,
                "to": after,
                "message": message,
            }
        )


# --------------------------------------------------------------------------------------------
# idp models history
# --------------------------------------------------------------------------------------------


@dataclass
class Commit:
    sha: str
    author: str
    email: str
    date: str
    subject: str
    changes: list[tuple[str, str | None]]  # path in the catalog folder -> new blob id or None

    def info(self) -> dict[str, str]:
        return {
            "commit": self.sha,
            "author": self.author,
            "email": self.email,
            "date": self.date,
            "subject": self.subject,
        }


_NULL_SHA = "0" * 40


def catalog_log(cat: GitCatalog) -> list[Commit]:
    """The first-parent commits that touched the catalog's folder, oldest first, with the
    files each changed (against its first parent)."""
    where = cat.subdir.rstrip("/") or "."
    output: str = cat.repo.git.log(
        "-z",
        "--first-parent",
        "--diff-merges=first-parent",
        "--reverse",
        "--raw",
        "--root",
        "--no-renames",
        "--no-abbrev",
        "--format=%x01%H%x00%an%x00%ae%x00%aI%x00%s",
        cat.end.hexsha,
        "--",
        where,
    )
    commits: list[Commit] = []
    cut = len(cat.subdir)
    for record in output.split("\x01")[1:]:
        parts = record.split("\0")
        sha, author, email, date, subject = parts[:5]
        changes: list[tuple[str, str | None]] = []
        rest = parts[5:]
        for meta, path in zip(rest[0::2], rest[1::2], strict=False):
            fields = meta.strip().lstrip(":").split()
            if len(fields) < 5 or not path.startswith(cat.subdir):
                continue
            new_sha = fields[3]
            changes.append((path[cut:], None if new_sha == _NULL_SHA else new_sha))
        commits.append(Commit(sha, author, email, date, subject, changes))
    return commits


def model_history(cat: GitCatalog, name: str, *, names: Callable[[], list[str]]) -> dict[str, Any]:
    """Every version of `name` as the catalog's history saw it. `names` gives the catalog's
    model names for the 'did you mean' hint when the model never existed."""
    blobs = _Blobs(cat.repo)
    needle = name.encode()
    files: dict[str, str] = {}
    patterns: tuple[str, ...] = ()
    holders: dict[str, dict[str, Any]] = {}  # catalog file -> the model as it holds it
    found: dict[str, dict[str, Any] | None] = {}  # blob id -> the model in it, if any
    warned: set[str] = set()

    def member(rel: str) -> bool:
        return rel == cat.main or any(match_glob([rel], p) for p in patterns)

    def model_in(rel: str, sha: str, commit: Commit) -> dict[str, Any] | bool | None:
        """The model in this blob, None when it has none, False when unreadable."""
        if sha in found:
            return found[sha]
        data = blobs.read(sha)
        if needle not in data:
            found[sha] = None
            return None
        try:
            parsed = blobs.parsed(sha, f"{commit.sha[:10]}:{cat.subdir}{rel}")
        except IdpError as exc:
            if sha not in warned:
                warned.add(sha)
                warning_sink.warn(f"{exc.message}; this version of the file is skipped")
            return False
        match = next((m for m in _models_in(parsed, rel == cat.main) if m["name"] == name), None)
        found[sha] = match
        return match

    events: list[dict[str, Any]] = []
    versions: dict[str, dict[str, Any]] = {}
    model_record: dict[str, Any] = {"added": None, "removed": None}
    previous: dict[str, Any] | None = None
    log = catalog_log(cat)

    for commit in log:
        touched = set()
        for rel, sha in commit.changes:
            if sha is None:
                files.pop(rel, None)
            else:
                files[rel] = sha
            touched.add(rel)
        if cat.main in touched and cat.main in files:
            try:
                header = blobs.parsed(files[cat.main], f"{commit.sha[:10]}:{cat.main}")
            except IdpError:
                header = None
            if header is not None and _patterns(header) != patterns:
                patterns = _patterns(header)
                touched.update(files)
                touched.update(holders)
        for rel in touched:
            if rel not in files or not member(rel):
                holders.pop(rel, None)
                continue
            match = model_in(rel, files[rel], commit)
            if match is False:
                continue  # unreadable: keep what the file held before
            if match is None:
                holders.pop(rel, None)
            else:
                assert isinstance(match, dict)
                holders[rel] = match
        current = holders[min(holders, key=lambda r: (r != cat.main, r))] if holders else None
        if current != previous:
            _record(commit, previous, current, name, events, versions, model_record)
        previous = current

    if model_record["added"] is None:
        known = names()
        if name in known:
            raise NotFound(
                f"model {name!r} is in the catalog but in none of its commits up to "
                f"{cat.end_label}",
                hint="Commit it first: history reads only committed versions of the catalog.",
            )
        hint = closest_names_hint(name, list(known))
        raise NotFound(
            f"no model named {name!r} in the history of {cat.display} "
            f"({len(log)} commit{'s' if len(log) != 1 else ''} up to {cat.end_label})",
            hint=hint,
        )
    return {
        "model": name,
        "source": cat.display,
        "until": {"ref": cat.end_label, "commit": cat.end.hexsha},
        "commits": len(log),
        "added": model_record["added"],
        "removed": model_record["removed"],
        "versions": list(versions.values()),
        "events": events,
    }


def _record(
    commit: Commit,
    previous: dict[str, Any] | None,
    current: dict[str, Any] | None,
    name: str,
    events: list[dict[str, Any]],
    versions: dict[str, dict[str, Any]],
    model_record: dict[str, Any],
) -> None:
    info = commit.info()

    def event(kind: str, version: str | None, **extra: Any) -> None:
        events.append({**info, "version": version, "event": kind, **extra})

    if previous is None and current is not None:
        if model_record["added"] is None:
            model_record["added"] = info
        model_record["removed"] = None
        event("model-added" if len(events) == 0 else "model-restored", None)
    elif previous is not None and current is None:
        model_record["removed"] = info
    old = _versions(previous) if previous else {}
    new = _versions(current) if current else {}
    for number in [*old, *(n for n in new if n not in old)]:
        a, b = old.get(number), new.get(number)
        if a == b:
            continue
        record = versions.setdefault(
            number,
            {
                "version": number,
                "ref": f"{name}@{number}",
                "added": None,
                "lifecycle": [],
                "deprecations": [],
                "removed": None,
                "current": None,
            },
        )
        if a is None:
            assert b is not None
            if record["added"] is None:
                record["added"] = {**info, "lifecycle": _lifecycle(b)}
            record["removed"] = None
            record["current"] = _lifecycle(b)
            event("added", number, to=_lifecycle(b))
            if _successor(b):
                deprecation = {**info, **_deprecation(b)}
                record["deprecations"].append(deprecation)
            continue
        if b is None:
            record["removed"] = info
            record["current"] = None
            event("removed", number, **{"from": _lifecycle(a)})
            continue
        was, now = _lifecycle(a), _lifecycle(b)
        if was != now:
            record["lifecycle"].append({**info, "from": was, "to": now})
            record["current"] = now
            event("lifecycle", number, successor=_successor(b), **{"from": was, "to": now})
        if _successor(b) and _successor(a) != _successor(b):
            record["deprecations"].append({**info, **_deprecation(b)})
            if was == now:
                event("successor", number, successor=_successor(b))
    if previous is not None and current is None:
        event("model-removed", None)


def _deprecation(version: dict[str, Any]) -> dict[str, Any]:
    deprecation = version.get("deprecation")
    deprecation = deprecation if isinstance(deprecation, dict) else {}
    return {
        "successor": _successor(version),
        "sunsetDate": deprecation.get("sunsetDate"),
        "lifecycle": _lifecycle(version),
    }
