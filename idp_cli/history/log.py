"""`idp models history`: every version of one model as the catalog's git history saw it.

It follows the first-parent line of the branch (`git log --first-parent` over the catalog's
folder, with each commit's raw file changes), so a merged pull request counts as its merge
commit, and parses only the blobs that changed and mention the model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from idp_cli import warning_sink
from idp_cli.catalog.files import include_patterns
from idp_cli.catalog.query import closest_names_hint
from idp_cli.errors import IdpError, NotFound
from idp_cli.history import entries
from idp_cli.history.gitcatalog import Blobs, GitCatalog, models_in
from idp_cli.history.records import (
    AddedEvent,
    AliasEvent,
    CommitInfo,
    Deprecation,
    Event,
    LifecycleChange,
    LifecycleEvent,
    ModelHistory,
    RefPoint,
    RemovedEvent,
    SuccessorEvent,
    VersionAdded,
    VersionHistory,
)
from idp_cli.posix_glob import match_glob


@dataclass(frozen=True)
class Commit:
    info: CommitInfo
    changes: list[tuple[str, str | None]]  # path in the catalog folder -> new blob id or None


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
        commits.append(Commit(CommitInfo(sha, author, email, date, subject), changes))
    return commits


def model_history(cat: GitCatalog, name: str, *, names: Callable[[], list[str]]) -> ModelHistory:
    """Every version of `name` as the catalog's history saw it. `names` gives the catalog's
    model names for the 'did you mean' hint when the model never existed."""
    blobs = Blobs(cat.repo)
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
            parsed = blobs.parsed(sha, f"{commit.info.commit[:10]}:{cat.subdir}{rel}")
        except IdpError as exc:
            if sha not in warned:
                warned.add(sha)
                warning_sink.warn(f"{exc.message}; this version of the file is skipped")
            return False
        match = next((m for m in models_in(parsed, rel == cat.main) if m["name"] == name), None)
        found[sha] = match
        return match

    walk = _Walk(name)
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
                header = blobs.parsed(files[cat.main], f"{commit.info.commit[:10]}:{cat.main}")
            except IdpError:
                header = None
            if header is not None and include_patterns(header) != patterns:
                patterns = include_patterns(header)
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
            walk.record(commit.info, previous, current)
        previous = current

    if walk.added is None:
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
    return ModelHistory(
        model=name,
        source=cat.display,
        until=RefPoint(cat.end_label, cat.end.hexsha),
        commits=len(log),
        added=walk.added,
        removed=walk.removed,
        versions=tuple(v.frozen() for v in walk.versions.values()),
        events=tuple(walk.events),
    )


@dataclass
class _VersionState:
    """One version's record while the walk is under way."""

    version: str
    ref: str
    added: VersionAdded | None = None
    lifecycle: list[LifecycleChange] = field(default_factory=list)
    deprecations: list[Deprecation] = field(default_factory=list)
    removed: CommitInfo | None = None
    current: str | None = None

    def frozen(self) -> VersionHistory:
        return VersionHistory(
            version=self.version,
            ref=self.ref,
            added=self.added,
            lifecycle=tuple(self.lifecycle),
            deprecations=tuple(self.deprecations),
            removed=self.removed,
            current=self.current,
        )


@dataclass
class _Walk:
    """The model's record so far, oldest commit first."""

    name: str
    added: CommitInfo | None = None
    removed: CommitInfo | None = None
    versions: dict[str, _VersionState] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def record(
        self, info: CommitInfo, previous: dict[str, Any] | None, current: dict[str, Any] | None
    ) -> None:
        """What `info`'s commit did to the model: `previous` and `current` are its entry
        before and after (None when the catalog did not hold it)."""
        on = asdict(info)  # the commit's fields, which every record below starts with
        if previous is None and current is not None:
            if self.added is None:
                self.added = info
            self.removed = None
            kind = "model-added" if not self.events else "model-restored"
            self.events.append(Event(**on, version=None, event=kind))
        elif previous is not None and current is None:
            self.removed = info
        old, new = entries.versions(previous), entries.versions(current)
        for number in [*old, *(n for n in new if n not in old)]:
            a, b = old.get(number), new.get(number)
            if a == b:
                continue
            state = self.versions.setdefault(number, _VersionState(number, f"{self.name}@{number}"))
            if a is None:
                assert b is not None  # a == b was skipped
                lifecycle = entries.lifecycle(b)
                if state.added is None:
                    state.added = VersionAdded(**on, lifecycle=lifecycle)
                state.removed = None
                state.current = lifecycle
                self.events.append(AddedEvent(**on, version=number, event="added", to=lifecycle))
                if entries.successor(b):
                    state.deprecations.append(_deprecation(on, b))
                continue
            if b is None:
                state.removed = info
                state.current = None
                was = entries.lifecycle(a)
                self.events.append(RemovedEvent(**on, version=number, event="removed", from_=was))
                continue
            was, now = entries.lifecycle(a), entries.lifecycle(b)
            successor = entries.successor(b)
            if was != now:
                state.lifecycle.append(LifecycleChange(**on, from_=was, to=now))
                state.current = now
                self.events.append(
                    LifecycleEvent(
                        **on,
                        version=number,
                        event="lifecycle",
                        successor=successor,
                        from_=was,
                        to=now,
                    )
                )
            if successor and entries.successor(a) != successor:
                state.deprecations.append(_deprecation(on, b))
                if was == now:
                    self.events.append(
                        SuccessorEvent(**on, version=number, event="successor", successor=successor)
                    )
        if previous is not None and current is not None:
            self._alias_moves(on, previous, current)
        if previous is not None and current is None:
            self.events.append(Event(**on, version=None, event="model-removed"))

    def _alias_moves(
        self, on: dict[str, Any], previous: dict[str, Any], current: dict[str, Any]
    ) -> None:
        was, now = entries.alias_owners(previous), entries.alias_owners(current)
        for alias in [*was, *(a for a in now if a not in was)]:
            if was.get(alias) != now.get(alias):
                self.events.append(
                    AliasEvent(
                        **on,
                        version=now.get(alias),
                        event="alias",
                        alias=alias,
                        from_=was.get(alias),
                        to=now.get(alias),
                    )
                )


def _deprecation(on: dict[str, Any], version: dict[str, Any]) -> Deprecation:
    return Deprecation(
        **on,
        successor=entries.successor(version),
        sunset_date=entries.sunset_date(version),
        lifecycle=entries.lifecycle(version),
    )
