"""Which version `idp update --latest` binds, and which newer one it had to pass over because
the project's template cannot serve it. Pure: the caller reads the catalog and the template.

A successor counts only when the template can serve it by the same rules `idp new` applies
(`binding.fit`); binding one it cannot serve would fail halfway through the update.
"""

from __future__ import annotations

from dataclasses import dataclass

from idp_cli import binding
from idp_cli.catalog.model import Catalog, Endpoint, Version, split_ref, version_key
from idp_cli.templates.discovery import Template


@dataclass(frozen=True)
class Unservable:
    ref: str
    reason: str  # why the template cannot serve it, as `idp new` would say

    def to_dict(self) -> dict[str, str]:
        return {"ref": self.ref, "reason": self.reason}


@dataclass(frozen=True)
class Latest:
    version: Version  # what `--latest` binds; the bound version when nothing else can be
    endpoint: Endpoint | None  # through which endpoint; None when it is the bound version
    unservable: Unservable | None  # the newest candidate, when the template cannot serve it


def successor_chain(catalog: Catalog, version: Version) -> list[Version]:
    """The successors of a retired version in order, up to the first that is not retired."""
    chain: list[Version] = []
    seen = {version.ref}
    while version.retired and version.successor:
        name, selector = split_ref(version.successor)
        model = catalog.get(name)
        if model is None:
            break
        # a bare model name stands for its default version, as in `idp new --model NAME`
        # and in the catalog's own successor rules
        nxt = model.find(selector) if selector is not None else model.default_version
        if nxt is None or nxt.ref in seen:
            break
        seen.add(nxt.ref)
        chain.append(nxt)
        version = nxt
    return chain


def candidates(catalog: Catalog, version: Version) -> list[Version]:
    """What `--latest` may bind, preferred first: a retired version's successors, the end of
    the chain first; else the model's newer production versions, newest first."""
    if version.retired:
        return successor_chain(catalog, version)[::-1]
    newer = [
        v
        for v in version.model.versions
        if v.lifecycle == "production" and version_key(v.version) > version_key(version.version)
    ]
    return sorted(newer, key=lambda v: (version_key(v.version), v.released_at), reverse=True)


def latest(
    catalog: Catalog, version: Version, template: Template, environment: str | None
) -> Latest:
    """The first candidate the template can serve (in `environment`, else any), with the
    newest candidate when it was passed over."""
    passed_over: Unservable | None = None
    for candidate in candidates(catalog, version):
        fit = binding.fit_like(template, candidate, environment)
        if fit.ok and fit.endpoint is not None:
            return Latest(candidate, fit.endpoint, passed_over)
        if passed_over is None:
            passed_over = Unservable(candidate.ref, "; ".join(fit.reasons))
    return Latest(version, None, passed_over)
