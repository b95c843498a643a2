"""The CI systems a generated project can be set up for: those bundled with idp, and those
installed plug-ins add (their `ci_systems` hook).

The bundled ones are listed here once: `idp new --ci` offers these values, and every bundled
template's `ci` question names the same labels and values (tests/templates/test_ci_vocabulary.py
holds them to it); app-base writes their files. A plug-in's CI system comes with a part
template (`_idp.kind: part`) that writes its files: `idp new` renders it after the app's own
parts and records it as the part `ci` (`.copier-answers.app-ci.yml`). Plug-ins are imported
only when a value that is not bundled is asked for, or the whole list is needed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from idp_cli.errors import IdpError
from idp_cli.suggest import did_you_mean

# value: the label Copier's prompt shows; the first is the default.
CI_SYSTEMS: dict[str, str] = {
    "github": "GitHub Actions",
    "gitlab": "GitLab CI",
    "tekton": "Tekton (Pipelines as Code)",
}
DEFAULT_CI = next(iter(CI_SYSTEMS))
# the part a plug-in's CI template is recorded as, beside the app template's own parts
PART = "ci"
# what the bundled templates' `ci` question takes (its validator says the same)
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}\Z")


@dataclass(frozen=True)
class System:
    name: str
    title: str
    template: str | None = None  # a plug-in's part template (folder or git URL); None: bundled
    distribution: str | None = None  # the plug-in's distribution
    version: str | None = None

    @property
    def origin(self) -> str:
        return f"plug-in {self.distribution}" if self.distribution else "bundled"


@functools.cache
def systems() -> tuple[System, ...]:
    """Every CI system, the bundled ones first; a plug-in's that reuses a name is left out
    with a warning (a project's `ci` answer must mean one thing). Asked once a run, as the
    plug-ins' hook is: `idp new` lists them for its picker, then looks the chosen one up, and
    warns once."""
    from idp_cli import plugins, warning_sink

    found = [System(name, title) for name, title in CI_SYSTEMS.items()]
    for plugin, system in plugins.ci_systems():
        if any(s.name == system.name for s in found):
            warning_sink.warn(
                f"plug-in {plugin.label}: CI system {system.name!r} is taken; left out"
            )
            continue
        if not _NAME.match(system.name):
            warning_sink.warn(
                f"plug-in {plugin.label}: CI system {system.name!r} is not a name the templates "
                "take (lowercase letters, digits, '-' and '_'); left out"
            )
            continue
        found.append(
            System(system.name, system.title, system.template, plugin.distribution, plugin.version)
        )
    return tuple(found)


def find(name: str) -> System:
    """The CI system `--ci NAME` names: a bundled one without importing any plug-in, else one
    an installed plug-in adds; an unknown name is an error naming the closest ones."""
    if name in CI_SYSTEMS:
        return System(name, CI_SYSTEMS[name])
    every = systems()
    found = next((s for s in every if s.name == name), None)
    if found is not None:
        return found
    names = [s.name for s in every]
    raise IdpError(
        f"no CI system named {name!r} (--ci)",
        hint=did_you_mean(
            name, names, f"CI systems: {', '.join(names)} (plug-ins add others: `idp plugins`)."
        ),
    )
