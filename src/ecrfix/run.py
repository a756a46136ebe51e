from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import NamedTuple

from ecrfix.engine import analyze
from ecrfix.errors import TemplateError
from ecrfix.files import (
    WalkError,
    atomic_write,
    is_template_name,
    read_bytes,
    snapshot,
    walk_entries,
)
from ecrfix.model import FIXABLE, FIXED, Finding, Settings
from ecrfix.source import decode, may_hold_ecr

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


def collect(paths: Iterable[str]) -> tuple[list[Target], list[FileError]]:
    """Files to process, each once, in a stable order; missing paths are errors."""
    errors: list[FileError] = []
    return list(iter_targets(paths, errors)), errors


def iter_targets(paths: Iterable[str], errors: list[FileError]) -> Iterator[Target]:
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
            top, real_top = str(Path(path)), os.path.realpath(path)
            for entry in walk_entries(path, walk_errors):
                if new(_walked_key(entry, top, real_top)):
                    yield Target(_display(entry.path), False)
            errors.extend(FileError(_display(e.path), e.message) for e in walk_errors)
        elif os.path.lexists(path):
            if new(os.path.realpath(path)):
                yield Target(_display(path), True)
        else:
            errors.append(FileError(path, "no such file or folder"))


def _walked_key(entry: os.DirEntry[str], top: str, real_top: str) -> str:
    """os.path.realpath(entry.path), cheaply: a walk enters no symlinked folder."""
    if entry.is_symlink():
        return os.path.realpath(entry.path)
    return os.path.join(real_top, entry.path[len(top) :].lstrip(os.sep))


def _display(path: str) -> str:
    return path[2:] if path.startswith("./") else path


def process(
    target: Target, settings: Settings, mode: Mode, data: bytes | None = None
) -> FileReport:
    path = target.path
    try:
        if data is None:
            data, st = read_bytes(path)
        else:
            st = None
    except OSError as exc:
        return FileReport(path, [], error=FileError(path, f"cannot read: {exc.strerror or exc}"))
    if not may_hold_ecr(data):
        return FileReport(path, [])
    # hashed only when it may be written
    snap = snapshot(data, st) if st is not None and mode is Mode.WRITE else None
    try:
        source = decode(data)
        outcome = analyze(source, settings, fix=mode is not Mode.CHECK)
    except TemplateError as exc:
        if target.named and path != STDIN and not is_template_name(path):
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
