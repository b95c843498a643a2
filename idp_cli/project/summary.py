"""The Markdown an update leaves for a pull request body: what moved, why, and what to review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from idp_cli.project.update import Outcome, Plan

if TYPE_CHECKING:
    from idp_cli.project.binding_updates import BindingUpdate
    from idp_cli.project.part_changes import PartChanges


def title(plan: Plan, moved: PartChanges | None = None) -> str:
    """`moved`: the parts the app's new version adds or drops (part_changes.py)."""
    parts = []
    if plan.template.outdated:
        parts.append(
            f"template {plan.template_name} {plan.template.current} → {plan.template.newest}"
        )
    if plan.new_version is not None and plan.new_model != plan.old_model:
        parts.append(f"model {plan.old_model} → {plan.new_model}")
    elif plan.new_version is not None:
        parts.append(f"catalog entry of {plan.new_model}")
    other = [k for k in plan.changed if k not in _BINDING]
    if other:
        parts.append(f"answers {', '.join(other)}")
    if moved is not None and not moved.none:
        listed = moved.as_dict()
        parts += [f"part {name} added" for name in listed["added"]]
        parts += [f"part {name} dropped" for name in listed["dropped"]]
    return "Update " + ("; ".join(parts) if parts else "nothing (already current)")


# Answers idp writes itself: the title names what moved instead.
_BINDING = {
    "model",
    "model_ref",
    "catalog_source",
    "catalog_ref",
    "catalog_commit",
    "description",
    "idp_version",
}


def markdown(
    plan: Plan, outcome: Outcome, *, pretend: bool = False, moved: PartChanges | None = None
) -> str:
    lines = [f"# {title(plan, moved)}", ""]
    if pretend:
        lines += ["_Pretend run: nothing was written._", ""]
    if plan.new_version is not None:
        # first: what a reviewer must not miss before merging
        breaking = [c for c in plan.changes if c.breaking]
        lines += ["## Breaking changes", ""]
        lines += [f"- {c.description}" for c in breaking] or ["None."]
        lines.append("")
    if plan.unservable is not None:
        lines += [
            f"`{plan.unservable.ref}` cannot be bound: {plan.unservable.reason}.",
            "",
        ]
    lines += ["| | before | after |", "|---|---|---|"]
    lines.append(
        f"| template `{plan.template_name}` | {plan.template.current} | {plan.template.target} |"
    )
    if plan.old_model or plan.new_model:
        lines.append(f"| model | `{plan.old_model}` | `{plan.new_model}` |")
    lines.append("")
    if moved is not None and not moved.none:
        listed = moved.as_dict()
        lines += ["## Parts", ""]
        bound = moved.bound
        lines += [
            f"- `{name}`: new in {moved.version}, added"
            + (f", bound to `{bound[name]}`" if name in bound else "")
            for name in listed["added"]
        ]
        lines += [f"- `{name}`: dropped in {moved.version}, removed" for name in listed["dropped"]]
        lines += [f"- kept `{path}`: edited since the dropped part wrote it" for path in moved.kept]
        lines.append("")
    version = plan.new_version
    if version is not None:
        lines += [f"## Model `{version.ref}`", "", f"- lifecycle: **{version.lifecycle}**"]
        if version.successor:
            lines.append(f"- successor: `{version.successor}`")
        if plan.endpoint is not None:
            lines.append(
                f"- endpoint `{plan.endpoint.name}`: {plan.endpoint.protocol} at "
                f"{plan.endpoint.url} (model id `{plan.endpoint.model_id}`)"
            )
        lines += [f"- compatible: {c.description}" for c in plan.changes if not c.breaking]
        changelog = str(version.raw.get("changelog") or "").strip()
        if changelog:
            lines += ["", "Changelog:", "", *(f"> {line}" for line in changelog.splitlines())]
        lines.append("")
    if outcome.conflicts:
        lines += ["## Conflicts to resolve", ""]
        lines += [f"- [ ] `{path}`" for path in outcome.conflicts]
        lines += [
            "",
            "The template and this project both changed these lines. Resolve the `<<<<<<<` "
            "markers (or apply the `.rej` files), then commit.",
            "",
        ]
    files = [c for c in outcome.changes if c.status != "conflict"]
    lines += ["## Files changed", ""]
    lines += [f"- {c.status}: `{c.path}`" for c in files] or ["- none"]
    lines.append("")
    return "\n".join(lines)


def title_all(items: list[BindingUpdate]) -> str:
    """One title for a project with several bindings: what moved, binding by binding."""
    parts = [
        f"{item.binding.name}: {title(item.plan, item.part_changes).removeprefix('Update ')}"
        for item in items
        if not item.noop
    ]
    return "Update " + ("; ".join(parts) if parts else "nothing (already current)")


def markdown_all(items: list[BindingUpdate], *, pretend: bool = False) -> str:
    """A section per binding, each the document a one-binding project gets, a level down."""
    lines = [f"# {title_all(items)}", ""]
    if pretend:
        lines += ["_Pretend run: nothing was written._", ""]
    stopped = next((i.binding.name for i in items if i.outcome.conflicts), None)
    for item in items:
        lines += [f"## Binding `{item.binding.name}` (`{item.binding.answers_file}`)", ""]
        if item.noop:
            lines += ["Already current.", ""]
        elif not item.ran:
            lines += [
                f"Not updated: resolve the conflicts of `{stopped}` and commit, then run "
                f"`idp update --binding {item.binding.name}`.",
                "",
            ]
        else:
            body = markdown(item.plan, item.outcome, moved=item.part_changes).splitlines()[
                2:
            ]  # its title is above
            lines += [f"#{line}" if line.startswith("## ") else line for line in body]
    return "\n".join(lines).rstrip("\n") + "\n"
