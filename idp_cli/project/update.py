"""`idp update`'s work: decide the new template version and model binding (no Copier), then
let Copier's update merge them into the project, and say what changed.

The plan is computed first and is enough to tell "nothing to do" without rendering anything.
A failed update is undone from git (the tree was checked clean first); conflicts are left in
place, as markers or `.rej` files, for the user to resolve.
"""

from __future__ import annotations

import contextlib
import functools
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idp_cli import binding, warning_sink
from idp_cli.catalog.model import Catalog, Endpoint, Version
from idp_cli.catalog.query import resolve
from idp_cli.catalog.read import open_catalog
from idp_cli.errors import IdpError, NotFound
from idp_cli.project import catalog_source, drift, successors, worktree
from idp_cli.project.answers import ANSWERS_FILE, Answers, read
from idp_cli.project.check import template_state
from idp_cli.signature_changes import Change, Interface, compare
from idp_cli.templates import versions
from idp_cli.templates.discovery import Template, at_version

_IDP_DESCRIPTION = re.compile(r"^(?P<title>.+) bound to .+ \((?P<ref>[^()\s]+)\)\.$")


@dataclass
class Plan:
    answers: Answers
    template: drift.TemplateDrift
    template_name: str
    data: dict[str, Any]  # every answer as it will be after the update
    changed: list[str]  # the answers that change
    old_model: str | None = None
    new_version: Version | None = None
    endpoint: Endpoint | None = None
    # what the re-binding changes for the generated code's callers, breaking ones first
    changes: list[Change] = field(default_factory=list)
    unservable: successors.Unservable | None = None  # a newer successor `--latest` passed over
    # made before its app template was composed of parts: merged into the composed layout
    migrate: bool = False
    # a project bound to a model *name* (a training project): the model it trains
    trains: str | None = None
    note: str = ""  # what the user should know about the plan, e.g. why no model moves

    @property
    def project(self) -> Path:
        return self.answers.project

    @property
    def answers_file(self) -> str:
        """Which of the project's answers files (bindings) Copier updates."""
        return self.answers.path.name

    @property
    def noop(self) -> bool:
        return not self.template.outdated and not self.changed

    @property
    def new_model(self) -> str | None:
        return self.new_version.ref if self.new_version else self.old_model

    @property
    def vcs_ref(self) -> str | None:
        """What Copier updates to; None keeps the project's template version."""
        return self.template.newest if self.template.outdated else None


@dataclass
class Outcome:
    changes: list[worktree.Change] = field(default_factory=list)

    @property
    def conflicts(self) -> list[str]:
        return [c.path for c in self.changes if c.status == "conflict"]


def target_template(answers: Answers, template_ref: str | None) -> drift.TemplateDrift:
    state, remote = template_state(answers, template_ref)
    if template_ref is None:
        return state
    known = template_ref in remote.tags or re.fullmatch(r"[0-9a-f]{7,40}", template_ref)
    if not known:
        tags = sorted(remote.tags, key=lambda t: str(versions.parse(t) or t))
        raise NotFound(
            f"template ref {template_ref!r} does not exist in {state.src}",
            hint=f"Tags: {', '.join(tags) or 'none'}.",
        )
    if template_ref != state.current and versions.is_newer(state.current, template_ref, remote):
        raise IdpError(
            f"--template-ref {template_ref} is older than the project's template version "
            f"{state.current}; Copier cannot downgrade a project",
            hint="Name the current or a newer version.",
        )
    return state


def _endpoint(
    template_at: Callable[[], Template], version: Version, recorded: dict[str, Any], same: bool
) -> Endpoint:
    """The bound version's endpoint of the same name, else the one the template (read only
    then: it may mean fetching the template) can speak in the same environment."""
    if same:
        endpoint = drift.same_endpoint(version, recorded)
        if endpoint is not None:
            return endpoint
    template = template_at()
    fit = binding.fit_like(template, version, drift.environment(recorded))
    if not fit.ok or fit.endpoint is None:
        raise IdpError(
            f"template {template.name} cannot serve {version.ref}: {'; '.join(fit.reasons)}",
            hint="Pick another version with --model REF.",
        )
    return fit.endpoint


def _latest(catalog: Catalog, answers: Answers, template: Template) -> successors.Latest:
    """What `--latest` binds; refused when the template can serve none of the candidates."""
    version, chosen = drift.target_version(catalog, answers, template)
    skipped = chosen.unservable
    if skipped is not None and chosen.version.ref == version.ref:
        raise IdpError(
            f"--latest cannot move {version.ref}: template {template.name} cannot serve "
            f"{skipped.ref}: {skipped.reason}; nothing was changed",
            hint="Keep the binding (`idp update` without --latest), bind another version "
            "with --model REF, or have the catalog entry fixed.",
        )
    if skipped is not None:
        warning_sink.warn(
            f"binding {chosen.version.ref}: template {template.name} cannot serve the newer "
            f"{skipped.ref} ({skipped.reason})"
        )
    return chosen


def _name_bound_note(answers: Answers, trains: str | None, model: str | None) -> str:
    """--model/--latest on a project bound to no model version: refused, unless the project
    is bound to a model *name* (a training project), which has no version to move (it makes
    the versions, and its gate reads the catalog's production version when it runs)."""
    if trains is None:
        raise IdpError(
            f"{answers.path} binds no model, so there is nothing to re-bind",
            hint="Drop --model/--latest.",
        )
    if model is not None and model.strip() != trains:
        raise IdpError(
            f"{answers.path} trains {trains}, bound to the model's name: --model {model} "
            "cannot bind it to another model or to a version; nothing was changed",
            hint=f"Drop --model (the project keeps training {trains}), or generate a "
            "training project for the other model with `idp new`.",
        )
    return (
        f"{answers.project.name} trains {trains}, bound to the model's name: there is no model "
        "version to move (the project makes the versions; its gate reads the catalog's "
        "production version when it runs), so only the template is updated"
    )


def plan(
    project: Path,
    *,
    model: str | None,
    latest: bool,
    template_ref: str | None,
    overrides: dict[str, Any],
    catalog: str | None,
    catalog_ref: str | None,
    answers: Answers | None = None,
    endpoint_name: str | None = None,
) -> Plan:
    """What updating the project's template (or the binding `answers` records) changes.
    `endpoint_name`: the endpoint to bind (an app's part takes the one its app's update
    binds, whatever endpoint its own template would choose)."""
    answers = answers or read(project)
    state = target_template(answers, template_ref)
    target = state.target
    # read once, and only when needed: it may mean fetching the template
    template_at = functools.cache(lambda: at_version(answers.src_path, target))
    result = Plan(
        answers=answers,
        template=state,
        template_name=Path(answers.src_path).name.removesuffix(".git"),
        data=dict(answers.questions),
        changed=[],
        old_model=answers.model_ref,
    )
    if answers.model_ref is None:
        result.trains = str(answers.data.get("model_name") or "") or None
        if model or latest:
            result.note = _name_bound_note(answers, result.trains, model)
    else:
        source = catalog_source.for_project(answers, catalog, catalog_ref)
        loaded = open_catalog(source)
        if model:
            version = resolve(loaded, model)
        elif latest:
            chosen = _latest(loaded, answers, template_at())
            version, result.unservable = chosen.version, chosen.unservable
        else:
            version = drift.bound_version(loaded, answers)
        same = version.ref == answers.model_ref
        recorded = drift.recorded_endpoint(answers)
        if endpoint_name is not None:
            recorded, same = {**recorded, "name": endpoint_name}, True
        endpoint = _endpoint(template_at, version, recorded, same)
        commit, _ = source.revision()
        rebound = binding.bound(
            version,
            endpoint,
            catalog_source=source.recorded()[0],
            catalog_ref=source.ref or "",
            catalog_commit=commit or "",
        )
        # A newer catalog commit alone is no reason to touch the project: only a binding that
        # differs is written (with where it was read).
        if rebound["model"] != answers.model or rebound["model_ref"] != answers.model_ref:
            result.data.update(rebound)
            result.new_version = version
            result.endpoint = endpoint
            result.changes = compare(
                Interface.of_binding(answers.model), Interface.of_binding(rebound["model"])
            )
            described = _IDP_DESCRIPTION.match(answers.text("description"))
            if described and described["ref"] == answers.model_ref:
                result.data["description"] = (
                    f"{described['title']} bound to {version.model.display_name} ({version.ref})."
                )
    if state.outdated and answers.path.name == ANSWERS_FILE:
        from idp_cli.project import migration

        result.migrate = migration.needed(answers, template_at())
    result.data.update(overrides)
    result.changed = [k for k, v in result.data.items() if answers.data.get(k) != v]
    _record_running_idp(result, overrides)
    if overrides:  # the template version updated to must ask them
        asked = template_at()
        asked.refuse_unknown(overrides, owned=binding.owned_answers(asked))
    return result


def _record_running_idp(plan: Plan, overrides: dict[str, Any]) -> None:
    """An update that happens anyway records this idp, whose release the project's CI job
    installs from then on. A newer idp alone is no reason to rewrite a project (as a newer
    catalog commit is not). A template version that does not ask `idp_version` ignores it."""
    key = binding.IDP_VERSION
    if plan.noop or key in overrides:
        return
    if key not in plan.answers.data and not plan.template.outdated:
        return  # a template version that never asked, and stays
    plan.data.update(binding.running_idp())
    if plan.answers.data.get(key) != plan.data[key]:
        plan.changed.append(key)


def require_clean(plan: Plan, *, pretend: bool, busy: bool | None = None) -> None:
    """A merge is reviewed with `git diff` and undone with git, so uncommitted changes refuse
    it; a preview is only warned that it starts from the last commit. A project with nothing
    to update is said to be current, uncommitted changes or not. `busy`: whether anything is
    to be written, when more than `plan` says (a part its app's new version adds)."""
    busy = not plan.noop if busy is None else busy
    dirty = worktree.dirty(plan.project) if busy else []
    if dirty and pretend:
        warning_sink.warn(
            "the preview starts from the last commit; uncommitted changes are not in it"
        )
    elif dirty:
        raise worktree.uncommitted(plan.project, dirty, "updated", "the update")


def apply(
    plan: Plan, *, conflict: str, trust: bool, pretend: bool, defaults: bool = True
) -> Outcome:
    """Run Copier's update in the project (or, with `pretend`, in a throwaway clone)."""
    if plan.noop:
        return Outcome()
    if plan.template.bundled or snapshot_recorded(plan.answers):
        require_old_snapshot(plan.answers)
    if pretend:
        return _in_clone(plan, conflict, trust)  # never prompts: it writes nothing
    try:
        run_copier_update(plan, plan.project, conflict=conflict, trust=trust, defaults=defaults)
    except BaseException:
        worktree.restore(plan.project)
        raise
    return Outcome(worktree.changes(plan.project))


def snapshot_recorded(answers: Answers) -> bool:
    """Whether the project records a template by a name only this machine's cache resolves
    (a bundled one, or an installed plug-in's)."""
    from idp_cli.templates import plugin_templates, snapshots

    src = answers.src_path
    return snapshots.bundled_name(src) is not None or plugin_templates.named(src) is not None


def require_old_snapshot(answers: Answers) -> None:
    """The bundled template version the project was generated from, fetched from that idp
    release when this machine's cache never held it (a CI runner, a newer idp); a plug-in's
    template from that release of the plug-in, likewise."""
    from idp_cli.templates import plugin_templates, snapshots

    _, remote = template_state(answers)
    plugin = plugin_templates.named(answers.src_path)
    if plugin is not None and answers.commit not in remote.tags:
        if plugin_templates.restore_release(answers.src_path, answers.commit):
            return
        distribution, template = plugin
        version = answers.commit.removeprefix("v")
        raise IdpError(
            f"{answers.path.name}: the project was made with template {template} of the idp "
            f"plug-in {distribution} {version}, which this machine's cache does not hold "
            f"(it has {', '.join(sorted(remote.tags)) or 'none'}), and "
            f"{distribution}=={version} could not be fetched with pip to rebuild it",
            hint="Check that pip can reach the package index that has it; or install "
            f"{distribution}=={version}, run `idp check` once (it commits that version into "
            f"the cache), then install the newer {distribution} and update again.",
        )
    name = snapshots.bundled_name(answers.src_path)
    if answers.commit in remote.tags or name is None:
        return
    if not snapshots.restore_release(name, answers.commit):
        raise IdpError(
            f"the project was generated from bundled template {name} {answers.commit}, which "
            f"this machine does not have, and {snapshots.PACKAGE}=={answers.commit.lstrip('v')} "
            "could not be fetched with pip to rebuild it",
            hint="Check that pip can reach the package index, or publish the templates in a "
            "git repository of your own and point _src_path there.",
        )


def run_copier_update(
    plan: Plan, project: Path, *, conflict: str, trust: bool, defaults: bool = True
) -> None:
    """Copier's update of `plan`'s binding in `project` (the project itself or a clone)."""
    from idp_cli.templates.render import update

    if plan.migrate:
        from idp_cli.project import migration

        migration.run(project, plan.answers_file, plan.template.newest, plan.data,
                      conflict=conflict, unsafe=trust or plan.template.bundled)  # fmt: skip
        return

    update(
        project,
        plan.data,
        name=plan.template_name,
        vcs_ref=plan.vcs_ref,
        conflict=conflict,
        unsafe=trust or plan.template.bundled,
        answers_file=plan.answers_file,
        defaults=defaults,
    )


def _in_clone(plan: Plan, conflict: str, trust: bool) -> Outcome:
    with clone_of(plan.project) as project:
        run_copier_update(plan, project, conflict=conflict, trust=trust)
        return Outcome(worktree.changes(project))


@contextlib.contextmanager
def clone_of(project: Path) -> Iterator[Path]:
    """The project in a throwaway clone of its repository at HEAD, for `--pretend`."""
    prefix = worktree.require_git(project)
    top = worktree.git(project, "rev-parse", "--show-toplevel").strip()
    scratch = Path(tempfile.mkdtemp(prefix="idp-pretend-"))
    try:
        clone = scratch / "project"
        worktree.git(scratch, "clone", "--quiet", "--no-hardlinks", top, str(clone))
        yield clone / prefix
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
