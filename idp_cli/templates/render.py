"""Running Copier: the only module that imports it.

Generation is atomic: Copier renders into a temporary folder beside the destination, which is
then renamed into place, so a Jinja error, a failing task or Ctrl-C leaves no partial project.
"""

from __future__ import annotations

import contextlib
import importlib
import shutil
import signal
import tempfile
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from idp_cli import warning_sink
from idp_cli.errors import ExitCode, IdpError
from idp_cli.templates.discovery import Template


class UntrustedTemplate(IdpError):
    exit_code = ExitCode.UNTRUSTED


class RenderError(IdpError):
    """Copier refused the answers or the template failed to render."""


@contextlib.contextmanager
def copier_errors(name: str, shown: str) -> Iterator[None]:
    """Copier raises built-in exceptions for bad input (COPIER.md); name them for the user.
    `name` is the template's name, `shown` how to name it to `idp templates show`."""
    import copier.errors as cerr
    from jinja2 import TemplateError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", cerr.CopierWarning)
            yield
    except cerr.CopierAnswersInterrupt:
        # Ctrl-C at one of Copier's questions: an interrupt like any other, not a CopierError
        # whose text is Copier's whole internal state
        raise KeyboardInterrupt from None
    except cerr.UnsafeTemplateError as exc:
        raise UntrustedTemplate(
            f"template {name} wants to run code on this machine: {exc}",
            hint="Read the template's copier.yml (_tasks, _migrations, _jinja_extensions); "
            "if you trust it, pass --trust.",
        ) from None
    except cerr.InteractiveSessionError as exc:
        raise RenderError(
            f"a question needs an answer and there is no terminal to ask it: {exc}",
            hint="Pass the answer with --data KEY=VALUE, or --defaults to take the defaults.",
        ) from None
    except cerr.ForbiddenPathError as exc:
        raise RenderError(f"the template tried to write outside the destination: {exc}") from None
    except (cerr.CopierError, ValueError, TypeError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise RenderError(
            f"template {name}: {message}",
            hint=f"Check the --data answers against `idp templates show {shown}`.",
        ) from None
    except TemplateError as exc:
        raise RenderError(
            f"template {name} failed to render: {exc}",
            hint="This is a bug in the template; its maintainers can reproduce it with `copier copy`.",
        ) from None


def _answers_file(template: Template, answers_file: str | None) -> str:
    return answers_file or str(template.config.get("_answers_file") or ".copier-answers.yml")


def _record_snapshot(template: Template, rendered: Path, answers_file: str) -> None:
    """Make a bundled (or installed plug-in's) template's project record its git snapshot, as
    if Copier had copied from there: `_src_path` and `_commit` are the only lines that differ,
    and copying from the folder saves Copier's clone (about 0.1 s). Projects are updated from
    the snapshot, which holds no path of this machine."""
    from idp_cli.templates import plugin_templates, snapshots

    if template.plugin is not None:
        distribution, version = template.plugin
        plugin_templates.ensure(distribution, version, Path(template.src))
        commit = plugin_templates.tag(version)
        location = plugin_templates.recorded_location(distribution, template.name)
    else:
        snapshots.ensure(template.name, Path(template.src))
        commit, location = snapshots.tag(), snapshots.recorded_location(template.name)
    path = rendered / answers_file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out = [line for line in lines if not line.startswith(("_src_path:", "_commit:"))]
    if len(lines) - len(out) != 1:
        raise IdpError(f"template {template.name}: {answers_file} does not record _src_path once")
    # keys are sorted in the answers file; `_commit` and `_src_path` come first of all
    first = next((i for i, line in enumerate(out) if not line.startswith("#")), len(out))
    out[first:first] = [f"_commit: {commit}\n", f"_src_path: {location}\n"]
    path.write_text("".join(out), encoding="utf-8")


def _lossy_answers(rendered: Path, data: dict[str, Any], answers_file: str) -> list[str]:
    """The structured answers (mappings, lists) that the answers file does not give back
    exactly as passed, key order included. `copier update` rebuilds the project from that file,
    so such a template conflicts on updates of projects nobody touched (Copier's default
    answers file sorts keys)."""
    import json

    import yaml

    try:
        recorded = yaml.safe_load((rendered / answers_file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []  # no answers file to update from: `idp update` says so when it is run
    if not isinstance(recorded, dict):
        return []

    def exact(value: Any) -> str:
        return json.dumps(value, default=repr)

    return [
        key
        for key, value in data.items()
        if isinstance(value, dict | list)
        and key in recorded
        and exact(recorded[key]) != exact(value)
    ]


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold Ctrl-C until the block ends, where it raises KeyboardInterrupt: it then lands
    before or after the block, never halfway through it.

    A handler that only notes the signal, not a signal mask: a mask is one thread's, and the
    kernel hands a process's SIGINT to any thread that does not block it (a library's worker
    thread), whereupon Python raises it in the main thread mid-block. Python runs handlers in
    the main thread only, so elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received and previous is not signal.SIG_IGN:
            if callable(previous) and previous is not signal.default_int_handler:
                previous(signal.SIGINT, None)
            else:  # Python's own handler, or the default, which would end the process
                raise KeyboardInterrupt


def files_in(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()
    )


def generate(
    template: Template,
    dest: Path,
    data: dict[str, Any],
    *,
    defaults: bool,
    pretend: bool,
    trust: bool,
    force: bool,
    user_defaults: dict[str, Any] | None = None,
    answers_file: str | None = None,
) -> list[str]:
    """Render `template` into `dest`; returns the files written (or that would be).
    `user_defaults` are what Copier's prompts offer in place of the template's defaults;
    `answers_file` names the answers file when it is not the template's own (a binding's)."""
    from copier import run_copy

    dest = dest.resolve()
    # the staging folder sits beside the destination; the folders made for it go again
    # unless the project is written there (not with --pretend, not on a failure)
    made = [p for p in (dest.parent, *dest.parent.parents) if not p.exists()]
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging: Path | None = None
    written = False
    try:
        # Ctrl-C between mkdtemp making the folder and `staging` naming it would leave the
        # folder behind, out of reach of the cleanup below.
        with _ctrl_c_held():
            staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.idp-", dir=dest.parent))
        # The project folder keeps the destination's name: templates may derive defaults from it.
        rendered = staging / dest.name
        asking = contextlib.nullcontext() if defaults else questions_fit_the_terminal()
        with (
            copier_errors(template.name, template.name if template.bundled else template.src),
            asking,
        ):
            run_copy(
                template.src,
                rendered,
                data=data,
                user_defaults=user_defaults or {},
                vcs_ref=template.ref,
                answers_file=answers_file,
                defaults=defaults,
                unsafe=trust or template.bundled,
                quiet=True,
                overwrite=True,
                cleanup_on_error=False,
            )
        recorded_in = _answers_file(template, answers_file)
        # the bundled templates' answers files are proven lossless by the test suite
        # (tests/templates/test_answers_roundtrip.py); others are checked on every render
        lossy = [] if template.bundled else _lossy_answers(rendered, data, recorded_in)
        if lossy:
            warning_sink.warn(
                f"template {template.name} does not record {', '.join(lossy)} in its answers "
                "file as given (keys sorted?), so `idp update` may see edits nobody made and "
                "report conflicts; its answers-file template should dump with "
                "`to_nice_yaml(sort_keys=false)`"
            )
        if template.bundled or template.plugin is not None:
            _record_snapshot(template, rendered, recorded_in)
        files = files_in(rendered)
        if pretend:
            return files
        # A merge cut short by Ctrl-C would leave the destination half old, half new.
        with _ctrl_c_held():
            if dest.exists():
                if not force:  # the caller checked; a folder that appeared meanwhile is kept
                    raise IdpError(f"{dest} appeared while generating; nothing was written there")
                _merge_into(rendered, dest)
            else:
                rendered.rename(dest)
            written = True
        return files
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if not written:
            for folder in made:  # deepest first; one that holds something else stays
                with contextlib.suppress(OSError):
                    folder.rmdir()


@contextlib.contextmanager
def questions_fit_the_terminal() -> Iterator[None]:
    """Copier prints a question's help on one line, which the terminal then cuts at its edge;
    wrapped at the edge instead, under the prompt's mark. Copier has no option for it, so its
    message method is wrapped while it asks (left as it is when a Copier release moves it)."""
    import textwrap

    question = getattr(importlib.import_module("copier._user_data"), "Question", None)
    original = getattr(question, "get_message", None)
    if question is None or original is None:
        yield
        return
    width = max(shutil.get_terminal_size().columns - 3, 20)

    def get_message(self: Any) -> str:
        message: str = original(self)
        body, tail = message.rstrip(), message[len(message.rstrip()) :]
        lines = [
            textwrap.fill(line, width, subsequent_indent="   ", break_long_words=False)
            for line in body.split("\n")
        ]
        return "\n   ".join(lines) + tail

    question.get_message = get_message
    try:
        yield
    finally:
        question.get_message = original


def _merge_into(rendered: Path, dest: Path) -> None:
    """`--force` into an existing folder: the template's files replace same-named ones."""
    for source in sorted(rendered.rglob("*")):
        target = dest / source.relative_to(rendered)
        if source.is_dir() and not source.is_symlink():
            target.mkdir(exist_ok=True)
        else:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            source.replace(target)


def update(
    project: Path,
    data: dict[str, Any],
    *,
    name: str,
    vcs_ref: str | None,
    conflict: str,
    unsafe: bool,
    defaults: bool = True,
    answers_file: str = ".copier-answers.yml",
) -> None:
    """Copier's update: rebuild the project as its recorded template version rendered it,
    render the target version with `data`, and merge the difference into the project.
    `vcs_ref=None` keeps the template version the project has. Without `defaults`, only
    questions the new version adds are asked. `answers_file` says which of the project's
    templates (bindings) is updated."""
    from copier import VcsRef, run_update
    from plumbum import local  # Copier runs git through plumbum, with plumbum's environment

    from idp_cli.templates import snapshots

    with copier_errors(name, name), local.env(**snapshots.git_env(local.env.getdict())):
        run_update(
            str(project),
            data=data,
            vcs_ref=vcs_ref if vcs_ref is not None else VcsRef.CURRENT,
            defaults=defaults,
            skip_answered=True,
            overwrite=True,
            conflict=conflict,  # type: ignore[arg-type]
            unsafe=unsafe,
            quiet=True,
            answers_file=answers_file,
        )


def render_recorded(
    src_path: str,
    vcs_ref: str,
    dest: Path,
    data: dict[str, Any],
    *,
    name: str,
    answers_file: str,
    unsafe: bool,
) -> None:
    """Render a template version as a project records it (`_src_path` at `_commit`) into the
    new folder `dest`, as Copier's update renders the old and new versions it merges."""
    from copier import run_copy
    from plumbum import local

    from idp_cli.templates import snapshots

    with copier_errors(name, name), local.env(**snapshots.git_env(local.env.getdict())):
        run_copy(
            src_path,
            dest,
            data=data,
            vcs_ref=vcs_ref,
            answers_file=answers_file,
            defaults=True,
            unsafe=unsafe,
            quiet=True,
            overwrite=True,
        )
