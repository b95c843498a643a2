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
Both happen in the update's transaction (binding_updates.py, with parts_update.py). A part
that binds a model of its own (`binding: NAME`) needs a model to be added: the update refuses
it, naming the option.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from idp_cli import ci
from idp_cli.errors import IdpError
from idp_cli.project import parts
from idp_cli.project.answers import Answers
from idp_cli.project.bindings import part_name
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "added": [p.name for p in [*self.added, *self.unbound]],
            "dropped": [part_name(a.path.name) for a in self.dropped],
            "kept": self.kept,
        }


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


def refuse_unbound(changes: PartChanges, app_name: str) -> None:
    if changes.unbound:
        part = changes.unbound[0]
        raise IdpError(
            f"template {app_name} {changes.version} adds the part {part.name}, which binds a "
            f"model of its own ({part.binding}); `idp update` has no model to bind it to, so "
            "nothing was updated",
            hint=f"Generate the project anew with `idp new ... --model {part.binding}=REF`, or "
            f"update to an earlier version with --template-ref.",
        )
