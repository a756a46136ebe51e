from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import NamedTuple

from ecrfix.atomic import atomic_write
from ecrfix.engine import analyze
from ecrfix.errors import TemplateError
from ecrfix.files import (
    TEMPLATES,
    Selection,
    TooLarge,
    WalkError,
    is_prose_name,
    is_template_name,
    read_bytes,
    snapshot,
    walk_files,
)
from ecrfix.model import FIXABLE, FIXED, Finding, Settings
from ecrfix.source import decode, is_blank, may_hold_ecr

STDIN = "-"


class Mode(Enum):
    CHECK = "check"
    DIFF = "diff"
    WRITE = "write"

    @classmethod
    def from_flags(cls, check: bool, diff: bool, write: bool) -> Mode:
        if write:
            return cls.WRITE
        return cls.DIFF if diff else cls.CHECK


class FileError(NamedTuple):
    path: str
    message: str
    line: int | None = None


class FileReport(NamedTuple):
    path: str
    findings: list[Finding]
    original: str = ""
    fixed: str = ""
    error: FileError | None = None
    note: str = ""
    warnings: tuple[tuple[str, int], ...] = ()

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


class Target(NamedTuple):
    path: str
    named: bool  # given on the command line rather than found by a walk
    skipped: str = ""  # why a walk leaves this file alone (a note)


def collect(
    paths: Iterable[str], select: Selection = TEMPLATES
) -> tuple[list[Target], list[FileError]]:
    """Files to process, each once, in a stable order; missing paths are errors."""
    errors: list[FileError] = []
    return list(iter_targets(paths, errors, select)), errors


def iter_targets(
    paths: Iterable[str], errors: list[FileError], select: Selection = TEMPLATES
) -> Iterator[Target]:
    """The files of `collect` one at a time, as the folders are walked, so that processing
    can start meanwhile; missing paths are added to `errors`."""
    seen: set[str] = set()

    def new(key: str) -> bool:
        if key in seen:
            return False
        seen.add(key)
        return True

    for path in paths:
        if path == STDIN:
            if new(path):
                yield Target(path, True)
        elif os.path.isdir(path):
            walk_errors: list[WalkError] = []
            walked_key = _walked_key(str(Path(path)), os.path.realpath(path))
            for found, is_link in walk_files(path, walk_errors, select):
                if new(walked_key(found, is_link)):
                    yield Target(_display(found), False)
            for e in walk_errors:  # a skipped file gets a note, once, not an error
                if not e.skipped:
                    errors.append(FileError(_display(e.path), e.message))
                elif os.path.realpath(e.path) not in seen and new(_link_key(e.path)):
                    yield Target(_display(e.path), False, e.message)
        elif os.path.lexists(path):
            if new(os.path.realpath(path)):
                yield Target(_display(path), True)
        else:
            errors.append(FileError(path, "no such file or folder"))


def _link_key(path: str) -> str:
    """A symbolic link itself, whatever name its folder was walked by."""
    return "link:" + os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))


def _walked_key(top: str, real_top: str) -> Callable[[str, bool], str]:
    """os.path.realpath of the files a walk of `top` finds, cheaply: a walk enters no
    symlinked folder, so below `top` a path is real once `top` is."""
    prefix = top.rstrip(os.sep) + os.sep
    real_prefix = real_top.rstrip(os.sep) + os.sep

    def key(found: str, is_link: bool) -> str:
        if is_link:
            return os.path.realpath(found)
        # below `.` the walk names paths `./a.yaml` at the top, `sub/b.json` further down
        relative = found[len(prefix) :] if found.startswith(prefix) else found
        return real_prefix + relative

    return key


def _display(path: str) -> str:
    return path[2:] if path.startswith("./") else path


def _unparsed(target: Target, data: bytes) -> FileReport:
    """A file that cannot hold an ECR resource is not parsed; a named one is decoded, so
    that a binary or non-UTF-8 template is reported rather than passed."""
    path = target.path
    if target.named:
        try:
            decode(data)
        except TemplateError as exc:
            if path != STDIN and not is_template_name(path):
                return FileReport(path, [], note="not a CloudFormation template, skipped")
            return FileReport(path, [], error=FileError(path, exc.message, exc.line))
    return FileReport(path, [])


def process(
    target: Target, settings: Settings, mode: Mode, data: bytes | None = None
) -> FileReport:
    path = target.path
    if target.skipped:
        return FileReport(path, [], note=target.skipped)
    try:
        if data is None:
            data, st = read_bytes(path, settings.max_file_size)
        else:
            st = None
            if settings.max_file_size and len(data) > settings.max_file_size:
                raise TooLarge(len(data), settings.max_file_size)
    except TooLarge as exc:
        if not target.named:  # CloudFormation takes no such template: a note, not an error
            return FileReport(path, [], note=f"{exc}, skipped")
        return FileReport(path, [], error=FileError(path, str(exc)))
    except OSError as exc:
        return FileReport(path, [], error=FileError(path, f"cannot read: {exc.strerror or exc}"))
    if target.named and is_blank(data):
        return FileReport(path, [], note="empty or only comments: not a CloudFormation template")
    if not may_hold_ecr(data):
        return _unparsed(target, data)
    # hashed only when it may be written
    snap = snapshot(data, st) if st is not None and mode is Mode.WRITE else None
    try:
        source = decode(data)
        outcome = analyze(source, settings, fix=mode is not Mode.CHECK)
    except TemplateError as exc:
        # a named Jinja or Go source of a template that mentions ECR is an error, not prose
        if target.named and path != STDIN and is_prose_name(path):
            return FileReport(path, [], note="not a CloudFormation template, skipped")
        return FileReport(path, [], error=FileError(path, exc.message, exc.line))
    report = FileReport(
        path,
        outcome.findings,
        source.text,
        outcome.fixed,
        note="" if outcome.is_template or not target.named else "not a CloudFormation template",
        warnings=tuple(outcome.warnings),
    )
    if mode is Mode.WRITE and report.changed:
        if snap is not None:
            try:
                atomic_write(path, outcome.fixed.encode("utf-8"), snap)
            except OSError as exc:
                message = str(exc) if exc.strerror is None else f"cannot write: {exc.strerror}"
                return report._replace(fixed=report.original, error=FileError(path, message))
        fixed = [f._replace(status=FIXED) if f.status == FIXABLE else f for f in report.findings]
        report = report._replace(findings=fixed)
    return report
