"""What a new binding records of the catalog it was read from (`idp new`, `idp add`): its
name, as another machine can read it, and its commit, with a warning when the record will not
lead back to what was read."""

from __future__ import annotations

from typing import Protocol

from idp_cli import warning_sink


class CatalogSource(Protocol):
    """What a project records about the catalog it was bound from (a catalog source has it)."""

    kind: str
    ref: str | None

    def revision(self) -> tuple[str | None, bool | None]: ...

    def recorded(self) -> tuple[str, bool]: ...

    def unpushed(self) -> str | None: ...


def recorded_catalog(source: CatalogSource) -> tuple[str, str]:
    """How the project records the catalog (its name, its commit), with a warning when the
    record will not lead back to what was read."""
    commit, dirty = source.revision()
    if dirty:
        warning_sink.warn(
            "the catalog has uncommitted changes; the recorded commit does not hold them"
        )
    recorded, portable = source.recorded()
    if not portable:
        if recorded.startswith("file:"):
            how = "give the catalog repository an `origin` that CI can reach"
        elif source.kind.startswith("git"):
            how = "add an `origin` remote to the catalog repository"
        else:
            how = "keep the catalog in a git repository with an `origin` remote"
        warning_sink.warn(
            f"the project records the catalog as the local path {recorded}, which `idp check` "
            f"and `idp update` elsewhere (CI) cannot read; {how}, or pass --catalog URL"
        )
    unpushed = source.unpushed()
    if unpushed:
        warning_sink.warn(
            f"the catalog commit {unpushed[:12]} is not on its origin ({recorded}) yet: "
            "`idp check` and `idp update` elsewhere (CI) cannot read the version it binds "
            "until it is pushed"
        )
    return recorded, commit or ""
