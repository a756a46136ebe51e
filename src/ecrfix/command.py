"""What `ecrfix` does, without typer: the usual command lines come here straight from
`cli.main` (see argv.py), the others through typer's parsing in `app.py`."""

from __future__ import annotations

import functools
import itertools
import os
import sys
from collections.abc import Iterable

from ecrfix.config import ConfigError, load_config
from ecrfix.diff import quote_path, unified_diff
from ecrfix.files import parse_size
from ecrfix.formats import Format, default_format
from ecrfix.interrupt import EXIT_INTERRUPTED, Interruption
from ecrfix.model import DEFAULT_MAX_FILE_SIZE, SUPPRESSED, UNFIXABLE, Settings
from ecrfix.parallel import process_all
from ecrfix.report import (
    all_errors,
    exit_code,
    format_error,
    format_finding,
    sorted_findings,
    summary,
)
from ecrfix.run import STDIN, FileError, FileReport, Mode, Target, iter_targets, process
from ecrfix.terminal import Color, paint_diff, paint_finding, tracked, wants_colour, wants_progress

MAX_FILE_SIZE = f"{DEFAULT_MAX_FILE_SIZE // 1024 // 1024}M"
BRANCH = "ecrfix/immutable-image-tags"
REMOTE = "origin"


def run_command(
    paths: list[str] | None = None,
    check: bool = False,
    diff: bool = False,
    write: bool = False,
    output_format: Format | None = None,
    color: Color = Color.auto,
    strict: bool | None = None,
    unsafe_fixes: bool | None = None,
    show_suppressed: bool = False,
    config_path: str | None = None,
    stdin_filename: str = STDIN,
    max_file_size: str = MAX_FILE_SIZE,
    jobs: int | None = None,
    pr: bool = False,
    dry_run: bool = False,
    branch: str = BRANCH,
    base: str | None = None,
    remote: str = REMOTE,
    repo: str | None = None,
    label: list[str] | None = None,
    author: str | None = None,
) -> int:
    """The command: what `ecrfix` does with these options, and its exit status."""
    if sum((check, diff, write)) > 1:
        sys.stderr.write("ecrfix: error: --check, --diff and --write are mutually exclusive\n")
        return 2
    try:
        max_size = parse_size(max_file_size)
    except ValueError:
        sys.stderr.write(f"ecrfix: error: --max-file-size: not a size: {max_file_size!r}\n")
        return 2
    mode = Mode.from_flags(check, diff, write)
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        sys.stderr.write(f"ecrfix: error: {exc}\n")
        return 2
    settings = config.settings(strict, unsafe_fixes)._replace(max_file_size=max_size)
    if pr or dry_run:
        from ecrfix.bot import PrOptions, run_pr

        if not pr or check or diff or write:
            problem = "--dry-run needs --pr" if not pr else "--pr excludes --check, --diff, --write"
            sys.stderr.write(f"ecrfix: error: {problem}\n")
            return 2
        options = PrOptions(dry_run, branch, base, remote, repo, tuple(label or ()), author)
        return run_pr(paths or ["."], settings, options, config=config)
    fmt = output_format or default_format(os.environ)
    walk_errors: list[FileError] = []
    # walked while files are processed; counted, to say how far an interrupted run got
    walked = itertools.count()
    walk = (
        t
        for t, _ in zip(
            iter_targets(paths or ["."], walk_errors, config.selection()), walked, strict=False
        )
    )
    targets: Iterable[Target] = walk
    if wants_progress(sys.maxsize, fmt.is_document, sys.stderr, os.environ):
        found = list(walk)
        progress = wants_progress(len(found), False, sys.stderr, os.environ)
        targets = tracked(found, progress, sys.stderr)
    work = functools.partial(_process, settings=settings, mode=mode, stdin_name=stdin_filename)
    with Interruption() as interruption:
        reports = process_all(targets, work, jobs, interruption)
        errors = all_errors(reports, walk_errors)
        stdin = next((r for r in reports if r.path == stdin_filename), None)
        stdin_written = stdin if mode is Mode.WRITE and STDIN in (paths or []) else None
        _emit(reports, errors, mode, fmt, color, stdin_written, show_suppressed)
    if interruption.requested:
        total = next(walked) + sum(1 for _ in walk)
        sys.stderr.write(
            f"ecrfix: interrupted: stopped after {len(reports)} of {total} files; "
            "the others were not read\n"
        )
        return EXIT_INTERRUPTED
    return exit_code(reports, errors, mode)


def _process(target: Target, settings: Settings, mode: Mode, stdin_name: str) -> FileReport:
    if target.path != STDIN:
        return process(target, settings, mode)
    limit = settings.max_file_size
    data = sys.stdin.buffer.read(limit + 1) if limit else sys.stdin.buffer.read()
    report = process(Target(stdin_name, True), settings, mode, data=data)
    if report.error is None and not report.original and data:
        report = report._replace(original=data.decode("utf-8", "replace"))
        report = report._replace(fixed=report.original)
    return report._replace(path=stdin_name)


def _emit(
    reports: list[FileReport],
    errors: list[FileError],
    mode: Mode,
    fmt: Format,
    color: Color,
    stdin_written: FileReport | None,
    show_suppressed: bool = False,
) -> None:
    out, err = sys.stdout, sys.stderr
    # with `--write -` standard output is the fixed template alone, as with black
    stdin_write = stdin_written is not None
    if stdin_written is not None:
        out.write(stdin_written.fixed)
    if fmt.is_document:
        (err if stdin_write else out).write(fmt.render(reports, errors))
    else:
        colour_diff = wants_colour(color, out, os.environ)
        for report in sorted(reports, key=lambda r: r.path):
            if mode is Mode.DIFF and report.changed and report.error is None:
                diff_text = unified_diff(report.path, report.original, report.fixed)
                out.write(paint_diff(diff_text) if colour_diff else diff_text)
        finding_stream = err if mode is Mode.DIFF or stdin_write else out
        if fmt is Format.github:  # the runner reads workflow commands on either stream
            finding_stream.write(fmt.render(reports, errors))
        colour_findings = wants_colour(color, finding_stream, os.environ)
        listed = sorted_findings(reports) if fmt is Format.text else []  # github: annotated above
        for path, finding in listed:
            if finding.status == SUPPRESSED and not show_suppressed:
                continue
            if mode is Mode.DIFF and finding.status != UNFIXABLE:
                continue
            text = format_finding(path, finding)
            finding_stream.write(
                (paint_finding(text, path, finding.status) if colour_findings else text) + "\n"
            )
    for report in sorted(reports, key=lambda r: r.path):
        if not (report.note or report.warnings):
            continue
        shown = quote_path(report.path)
        if report.note:
            err.write(f"{shown}: note: {report.note}\n")
        for key, line in report.warnings:
            err.write(f"{shown}:{line}: warning: duplicate key '{key}' (the last one applies)\n")
    for error in errors:
        err.write(format_error(error) + "\n")
    err.write(summary(reports, errors, mode) + "\n")
