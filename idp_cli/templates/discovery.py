"""Find templates and read what they declare, without importing Copier.

A template is named by a bundled name (`chat-service`), a local path, or a git URL with an
optional `@ref`. Its `copier.yml` is read as data: the questions, and idp's `_idp` metadata.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idp_cli import paths
from idp_cli.errors import IdpError, NotFound
from idp_cli.suggest import close_names, did_you_mean

_CONFIG_NAMES = ("copier.yml", "copier.yaml")
URL = re.compile(r"^(?:https?|ssh|git|file)://|^[\w.-]+@[\w.-]+:|^(?:gh|gl):|^git\+")


@functools.cache
def _copier_yaml_loader() -> type[Any]:
    """A safe loader for which Copier's own tags (`!include`) mean nothing: read as null.
    Built on first use, so that importing this module does not import PyYAML."""
    import yaml

    # libyaml when present: the bundled copier.yml files are long (validators, defaults)
    class CopierYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    CopierYamlLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return CopierYamlLoader


@dataclass(frozen=True)
class Question:
    name: str
    type: str
    help: str
    default: Any
    choices: Any
    computed: bool  # `when: false`: derived, never asked and never saved
    secret: bool


@dataclass(frozen=True)
class Template:
    name: str
    src: str  # what Copier is given: an absolute path or a URL
    ref: str | None
    bundled: bool
    config: dict[str, Any] = field(repr=False)
    # the distribution of the installed plug-in whose folder this is (a CI system's part):
    # recorded under a portable name, as a bundled template is (plugin_templates.py)
    plugin: tuple[str, str | None] | None = None  # (distribution, version)

    @property
    def meta(self) -> dict[str, Any]:
        meta = self.config.get("_idp")
        return meta if isinstance(meta, dict) else {}

    @property
    def binds_model(self) -> bool:
        """Templates with `_idp` metadata and a `model` question get a catalog binding."""
        return bool(self.meta) and "model" in self.config

    @property
    def binds_name(self) -> bool:
        """`_idp.binds: name`: bound to a catalog model's *name*, new or existing, rather
        than to one of its versions (a training project makes the versions)."""
        return self.binds_model and self.meta.get("binds") == "name"

    @property
    def kind(self) -> str:
        """`app` (a project of its own, `idp new`), `component` (added into an existing
        project, `idp add`) or `part` (rendered by `idp new` as part of an app template, its
        `_idp.parts`), from `_idp.kind`; templates that do not say are apps."""
        kind = self.meta.get("kind")
        return kind if kind in ("component", "part") else "app"

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.name)

    @property
    def description(self) -> str:
        return str(self.meta.get("description") or "")

    def supports(self, key: str) -> list[str]:
        value = self.meta.get(key) or []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    @property
    def unsafe_features(self) -> list[str]:
        return [k for k in ("_tasks", "_migrations", "_jinja_extensions") if self.config.get(k)]

    @property
    def questions(self) -> list[Question]:
        out = []
        for name, spec in self.config.items():
            if name.startswith("_"):
                continue
            spec = spec if isinstance(spec, dict) else {"default": spec}
            out.append(
                Question(
                    name=name,
                    type=str(spec.get("type", "str")),
                    help=" ".join(str(spec.get("help", "")).split()),
                    default=spec.get("default"),
                    choices=spec.get("choices"),
                    computed=spec.get("when") is False,
                    secret=bool(spec.get("secret")),
                )
            )
        return out

    def refuse_unknown(
        self,
        data: dict[str, Any],
        flag: str = "--data",
        owned: Mapping[str, str] | None = None,
        also: Sequence[str] = (),
    ) -> None:
        """An answer for a question the template does not ask would be dropped without a
        word (Copier ignores it): refuse it, naming the closest questions. `owned` maps the
        answers idp sets itself (the binding) to the flag that sets them: a `--data` value
        there would make the project contradict its own binding. `also`: other questions
        that take the answers (those only the app's parts ask)."""
        owned = owned or {}
        taken = [key for key in data if key in owned]
        if taken:
            raise IdpError(
                f"{', '.join(repr(k) for k in taken)} ({flag}) is set by idp from the catalog; "
                "nothing was written",
                hint=" ".join(f"{key}: use {owned[key]}." for key in taken),
            )
        names = [q.name for q in self.questions if q.name not in owned]
        names += [name for name in also if name not in owned and name not in names]
        unknown = [key for key in data if key not in names]
        if not unknown:
            return
        hints = []
        for key in unknown:
            close = close_names(key, names, most=1)
            hints.append(
                f"{key}: did you mean {close[0]}?" if close else f"{key}: no such question"
            )
        raise IdpError(
            f"template {self.name} asks no question "
            + ", ".join(repr(k) for k in unknown)
            + f" ({flag}); nothing was written",
            hint=" ".join(hints) + f" Its questions: {', '.join(names)}.",
        )


def _parse_config(text: str, label: str) -> dict[str, Any]:
    """copier.yml may hold several YAML documents; Copier merges them in order."""
    import yaml

    try:
        documents = list(yaml.load_all(text, _copier_yaml_loader()))
    except yaml.YAMLError as exc:
        raise IdpError(
            f"{label}: invalid YAML: {exc}", hint="Fix the template's copier.yml."
        ) from None
    merged: dict[str, Any] = {}
    for document in documents:
        if isinstance(document, dict):
            merged.update(document)
    return merged


def read_config(folder: Path, label: str) -> dict[str, Any]:
    for name in _CONFIG_NAMES:
        path = folder / name
        if path.is_file():
            return _parse_config(path.read_text(encoding="utf-8"), f"{label}/{name}")
    raise NotFound(
        f"{label}: not a Copier template (no copier.yml)",
        hint="A template folder holds copier.yml; see `idp templates list` for the bundled ones.",
    )


def _bundled_folders() -> list[Path]:
    root = paths.bundled_templates()
    if not root.is_dir():
        return []
    return [
        folder
        for folder in sorted(p for p in root.iterdir() if p.is_dir())
        if any((folder / n).is_file() for n in _CONFIG_NAMES)
    ]


def is_bundled(name: str) -> bool:
    return any(folder.name == name for folder in _bundled_folders())


def _bundled(folder: Path) -> Template:
    return Template(
        name=folder.name,
        src=str(folder.resolve()),
        ref=None,
        bundled=True,
        config=read_config(folder, folder.name),
    )


def bundled(kind: str | None = "app") -> list[Template]:
    """The bundled templates of one kind (`app`: what `idp new` offers; `component`: what
    `idp add` applies), or of every kind with None."""
    folders = _bundled_folders()
    if kind == "component":
        # only `_idp.kind: component` makes one: the app templates' long copier.yml files
        # (validators, defaults) are not parsed to find out they are not components
        folders = [f for f in folders if "kind: component" in _config_text(f)]
    found = [_bundled(folder) for folder in folders]
    return [t for t in found if kind is None or t.kind == kind]


def _config_text(folder: Path) -> str:
    return "".join(
        (folder / name).read_text(encoding="utf-8")
        for name in _CONFIG_NAMES
        if (folder / name).is_file()
    )


def split_spec(spec: str) -> tuple[str, str | None]:
    """`URL@ref` -> (URL, ref); an `@` inside `user@host:` or before the path is not a ref."""
    if URL.match(spec):
        head, sep, ref = spec.rpartition("@")
        if sep and "/" not in ref and ":" not in ref and head and not head.endswith(":"):
            return head, ref
    return spec, None


def bare_name(spec: str) -> bool:
    """Whether `--template SPEC` is a name (a template's first, then a folder's), not a git
    URL or a path (`./NAME`, `~/NAME`, `a/b`)."""
    return not (URL.match(spec) or "/" in spec or spec.startswith((".", "~")))


def find(spec: str) -> Template:
    """A template by bundled name, local path, or git URL[@ref]. A bare name is a bundled
    template's first: the folder idp runs in may hold one of that name (a project generated
    as `prediction-service/`, or the `deploy/` the part `deploy` makes); `./NAME` is the
    folder."""
    if URL.match(spec):
        url, ref = split_spec(spec)
        return from_git(url.removeprefix("git+"), ref)
    folders = _bundled_folders()
    path = Path(spec).expanduser()
    if bare_name(spec):
        for folder in folders:
            if folder.name == spec:
                return _bundled(folder)
    if not bare_name(spec) or path.is_dir():
        if not path.is_dir():
            raise NotFound(
                f"{spec}: no such template folder",
                hint="Give a folder holding copier.yml, a git URL, or a bundled template name.",
            )
        folder = path.resolve()
        return Template(
            name=folder.name,
            src=str(folder),
            ref=None,
            bundled=False,
            config=read_config(folder, spec),
        )
    names = [f.name for f in folders]
    raise NotFound(
        f"no template named {spec!r}",
        hint=did_you_mean(
            spec,
            names,
            f"Bundled templates: {', '.join(names) or 'none'}; or pass a path or git URL.",
        ),
    )


def from_git(url: str, ref: str | None) -> Template:
    from idp_cli import gitsource

    repo = gitsource.mirror(url)
    commit = gitsource.resolve_commit(repo, ref or "HEAD", gitsource.redact(url))
    config: dict[str, Any] | None = None
    for name in _CONFIG_NAMES:
        try:
            blob = commit.tree / name
        except KeyError:
            continue
        text = blob.data_stream.read().decode("utf-8")
        config = _parse_config(text, f"{gitsource.redact(url)}/{name}")
        break
    if config is None:
        raise NotFound(
            f"{gitsource.redact(url)}: not a Copier template (no copier.yml at {ref or 'HEAD'})"
        )
    name = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    return Template(name=name, src=copier_url(url), ref=ref, bundled=False, config=config)


def copier_url(url: str) -> str:
    """Copier treats a URL as git only with a `.git` suffix or a `git+` prefix."""
    if re.match(r"^(?:https?|ssh|file)://", url) and not url.endswith(".git"):
        return f"git+{url}"
    return url


def at_version(src: str, ref: str) -> Template:
    """The template a project records (`_src_path`), as its copier.yml reads at `ref`."""
    from idp_cli.templates import plugin_templates, snapshots

    name = snapshots.bundled_name(src)
    if name is not None:
        return find(name)  # the bundled one, not a project's folder of that name
    if plugin_templates.named(src) is not None:  # read from this machine's snapshot of it
        folder = plugin_templates.installed_repository(src)
    elif URL.match(src):
        return from_git(src.removeprefix("git+"), ref)
    else:
        folder = Path(src).expanduser()
    import subprocess

    for config_name in _CONFIG_NAMES:
        result = subprocess.run(
            ["git", "show", f"{ref}:{config_name}"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0:
            config = _parse_config(result.stdout, f"{src}@{ref}/{config_name}")
            return Template(name=folder.name, src=src, ref=ref, bundled=False, config=config)
    raise NotFound(
        f"template {src}: no copier.yml at {ref}",
        hint="Check that the template repository exists here and has that tag or commit.",
    )
