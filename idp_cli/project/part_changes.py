"""The parts a new version of an app template adds to its list (`_idp.parts`) or drops from it.

Copier's update of the app and of each part the project records brings those up to date, but
never applies a part the project does not record, nor takes one out: a project made before
rag-service gained its `deploy` part would go on without deploy/ for ever, and one whose part
the app no longer lists would keep it, and keep updating it. So `idp update` of a composed
project also
- renders each newly listed part as `idp new` composes it (the app's answers as recorded after
  its update, the entry's `data`, `--data` for the part's own questions), recorded in its own
  answers file; a file of the project's at a path the part writes (other than the very same
  bytes) is the user's and stays: the part's version of it is a conflict, as markers or a
  `.rej` file, never written over it;
- takes out each dropped part as `idp remove` takes out a binding: the files still as the part's
  recorded version rendered them go, an edited one stays (and is named), its answers file goes.
Both happen in the update's transaction (binding_updates.py, with parts_update.py).

A newly listed part that binds a model of its own (`binding: NAME`, rag-service's
`embeddings`) needs a model, as with `idp new`: `idp update --model NAME=REF` gives it (the
same option, read by the same parser, as `idp new --model NAME=REF`). REF must fit the part's
template as `idp new` would bind it (`binding.fit`, in the environment of the app's endpoint,
else any: `binding.fit_like`), read from the catalog the app's update reads; the part is then
added as any newly listed part is, recorded as the project's binding NAME
(`.copier-answers.NAME.yml`), bound to REF, while the app keeps its own binding. Without a
model for it the update refuses (nothing is written), naming the option; a NAME that is no
part the update adds is refused with the names it could bind.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from idp_cli import binding, ci
from idp_cli.catalog.query import resolve
from idp_cli.catalog.read import open_catalog
from idp_cli.errors import IdpError
from idp_cli.project import catalog_source, drift, parts
from idp_cli.project.answers import Answers
from idp_cli.project.bindings import part_name
from idp_cli.project.refusals import check_lifecycle
from idp_cli.suggest import did_you_mean
from idp_cli.templates.discovery import Template, at_version


@dataclass
class PartChanges:
    version: str  # the app template version whose list differs from the project's parts
    target: Template | None = None  # the app template at `version`
    added: list[parts.Part] = field(default_factory=list)  # listed there, not recorded here
    dropped: list[Answers] = field(default_factory=list)  # recorded here, not listed there
    unbound: list[parts.Part] = field(default_factory=list)  # added, binding a model of its own
    kept: list[str] = field(default_factory=list)  # a dropped part's edited files, once run

    @property
    def none(self) -> bool:
        return not (self.added or self.dropped or self.unbound)

    @property
    def bound(self) -> dict[str, str]:
        """The model each added part that binds one of its own is bound to, by part name."""
        return {p.name: str(p.bound["model_ref"]) for p in self.added if p.bound is not None}

    def as_dict(self) -> dict[str, Any]:
        listed: dict[str, Any] = {
            "version": self.version,
            "added": [p.name for p in [*self.added, *self.unbound]],
            "dropped": [part_name(a.path.name) for a in self.dropped],
            "kept": self.kept,
        }
        if self.bound:  # only when an added part binds a model of its own
            listed["bound"] = self.bound
        return listed


def between(app: Answers, recorded: tuple[Answers, ...], version: str) -> PartChanges:
    """What the app template at `version` lists that the project's recorded parts lack, and
    the reverse. The CI part a plug-in's system adds (`ci`, from `--ci NAME`) is the
    project's choice, not the app's list: it is never dropped."""
    target = at_version(app.src_path, version)
    listed = parts.declared(target, None, None)
    names = {part_name(a.path.name) for a in recorded}
    changes = PartChanges(version, target)
    for part in listed:
        if part.binding is not None:
            if not (app.project / part.answers_file).is_file():
                changes.unbound.append(part)
        elif part.name not in names:
            changes.added.append(part)
    kept = {p.name for p in listed if p.binding is None} | {ci.PART}
    changes.dropped = [a for a in recorded if part_name(a.path.name) not in kept]
    return changes


def bind(
    changes: PartChanges,
    given: dict[str, str],
    app: Answers,
    app_name: str,
    *,
    catalog: str | None,
    catalog_ref: str | None,
) -> None:
    """Bind each newly listed part that `--model NAME=REF` names (by its binding name) to REF,
    its fit checked as `idp new` checks it (a retired version is warned of, not refused: `idp
    update --model` re-binds to any version), and add it with the other added parts. Nothing is
    written: a NAME the update adds no such part for, or a model its template cannot serve,
    is refused before the update runs."""
    if not given:
        return
    unbound = {p.binding: p for p in changes.unbound if p.binding is not None}
    for name in given:
        if name not in unbound:
            refuse_unknown(name, changes, app_name, app.project)
    # the catalog the app's update reads (--catalog, else the one the app records)
    source = catalog_source.for_project(app, catalog, catalog_ref)
    loaded = open_catalog(source)
    commit, _ = source.revision()
    environment = drift.environment(drift.recorded_endpoint(app))
    for name, ref in given.items():
        part = unbound[name]
        version = resolve(loaded, ref)
        # `idp update` re-binds to any version it is given; a retired one is warned of
        check_lifecycle(version, allow_deprecated=True)
        bound = parts.bound_answers(
            part.template,
            version,
            where=f"template {app_name} {changes.version}'s part {part.name}",
            shown=part.template.name,
            environment=environment,
            recorded=(source.recorded()[0], source.ref or "", commit or ""),
            fit=binding.fit_like,
            then="; nothing was updated",
        )
        changes.unbound.remove(part)
        changes.added.append(dataclasses.replace(part, bound=bound))


def refuse_unknown(
    name: str, changes: PartChanges | None, app_name: str, project: Path
) -> NoReturn:
    """`--model NAME=REF` where NAME is no part the update adds that binds a model of its own
    (`changes`: what the app's update adds, None when the project's app has no parts)."""
    from idp_cli.project import bindings

    bindable = [p.binding for p in changes.unbound if p.binding] if changes else []
    adds = f"template {app_name} {changes.version}" if changes else f"the update of {app_name}"
    listed = ", ".join(f"--model {n}=REF" for n in bindable)
    if name in {b.name for b in bindings.find(project)}:  # `idp new`'s syntax, to re-bind
        hint = (
            f"{name!r} is a binding of this project already: re-bind it with "
            f"`idp update --binding {name} --model REF`."
        )
    else:
        hint = did_you_mean(
            name,
            bindable,
            f"The parts it adds can be bound with {listed}."
            if bindable
            else "NAME=REF binds a part the app template's new version adds; re-bind the app "
            "with --model REF, or another binding with --binding NAME --model REF.",
        )
    raise IdpError(
        f"--model {name}=REF: {adds} adds no part that binds a model of its own as {name!r}; "
        "nothing was updated",
        hint=hint,
    )


def refuse_unbound(changes: PartChanges, app_name: str) -> None:
    if changes.unbound:
        part = changes.unbound[0]
        raise IdpError(
            f"template {app_name} {changes.version} adds the part {part.name}, which binds a "
            f"model of its own ({part.binding}), and no model was given for it, so nothing "
            "was updated",
            hint=f"Bind it with `idp update --model {part.binding}=REF` (`idp templates show "
            f"{part.template.name}` lists the models it can serve); or generate the project "
            f"anew with `idp new ... --model {part.binding}=REF`, or update to an earlier "
            "version with --template-ref.",
        )
