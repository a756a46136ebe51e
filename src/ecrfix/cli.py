from __future__ import annotations

import functools
import itertools
import os
import sys
from collections.abc import Iterable
from typing import Annotated

import typer

from ecrfix import __version__
from ecrfix.argv import quick_options
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

app = typer.Typer(add_completion=True, rich_markup_mode=None)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ecrfix {__version__}")
        raise typer.Exit()


@app.command(context_settings={"help_option_names": ["-h", "--help"]})
def ecrfix(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Templates or folders to process; - reads standard input."),
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="Report findings; exit 1 if any.")] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print a unified diff of the fixes.")
    ] = False,
    write: Annotated[bool, typer.Option("--write", help="Fix the files in place.")] = False,
    output_format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            help="Output format for findings [default: github under GitHub Actions, else text].",
        ),
    ] = None,
    color: Annotated[
        Color, typer.Option("--color", help="Colour the text output and diffs.")
    ] = Color.auto,
    strict: Annotated[
        bool | None,
        typer.Option("--strict/--no-strict", help="Also flag IMMUTABLE_WITH_EXCLUSION."),
    ] = None,
    unsafe_fixes: Annotated[
        bool | None,
        typer.Option(
            "--unsafe-fixes/--no-unsafe-fixes",
            help="Apply fixes that change behaviour elsewhere.",
        ),
    ] = None,
    show_suppressed: Annotated[
        bool, typer.Option("--show-suppressed", help="Also print suppressed findings.")
    ] = False,
    config_path: Annotated[
        str | None,
        typer.Option("--config", help="Configuration file (default: the nearest one)."),
    ] = None,
    stdin_filename: Annotated[
        str, typer.Option("--stdin-filename", help="Name shown for standard input.")
    ] = STDIN,
    max_file_size: Annotated[
        str,
        typer.Option(
            "--max-file-size",
            help="Do not read larger files (bytes, or with K, M, G; 0 for no limit).",
        ),
    ] = f"{DEFAULT_MAX_FILE_SIZE // 1024 // 1024}M",
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Processes to use [default: one per CPU]."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    pr: Annotated[
        bool, typer.Option("--pr", help="Open or update a fix pull request on GitHub.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --pr: print what it would do, change nothing.")
    ] = False,
    branch: Annotated[
        str, typer.Option("--branch", help="With --pr: the branch to push.")
    ] = "ecrfix/immutable-image-tags",
    base: Annotated[
        str | None, typer.Option("--base", help="With --pr: base branch [remote's default].")
    ] = None,
    remote: Annotated[
        str, typer.Option("--remote", help="With --pr: remote to push to.")
    ] = "origin",
    repo: Annotated[
        str | None, typer.Option("--repo", help="With --pr: OWNER/NAME [GITHUB_REPOSITORY].")
    ] = None,
    label: Annotated[
        list[str] | None, typer.Option("--label", help="With --pr: label to add (repeatable).")
    ] = None,
    author: Annotated[
        str | None, typer.Option("--author", help="With --pr: 'Name <email>' [git config].")
    ] = None,
) -> None:
    """Find and fix AWS::ECR::Repository resources whose image tags are mutable."""
    if sum((check, diff, write)) > 1:
        sys.stderr.write("ecrfix: error: --check, --diff and --write are mutually exclusive\n")
        raise typer.Exit(2)
    try:
        max_size = parse_size(max_file_size)
    except ValueError:
        sys.stderr.write(f"ecrfix: error: --max-file-size: not a size: {max_file_size!r}\n")
        raise typer.Exit(2) from None
    mode = Mode.from_flags(check, diff, write)
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        sys.stderr.write(f"ecrfix: error: {exc}\n")
        raise typer.Exit(2) from None
    settings = config.settings(strict, unsafe_fixes)._replace(max_file_size=max_size)
    if pr or dry_run:
        from ecrfix.bot import PrOptions, run_pr

        if not pr or check or diff or write:
            problem = "--dry-run needs --pr" if not pr else "--pr excludes --check, --diff, --write"
            sys.stderr.write(f"ecrfix: error: {problem}\n")
            raise typer.Exit(2)
        options = PrOptions(dry_run, branch, base, remote, repo, tuple(label or ()), author)
        raise typer.Exit(run_pr(paths or ["."], settings, options, config=config))
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
        raise typer.Exit(EXIT_INTERRUPTED)
    raise typer.Exit(exit_code(reports, errors, mode))


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


def main(argv: list[str] | None = None) -> int:
    quick = quick_options(sys.argv[1:] if argv is None else argv)
    try:
        if quick is None:
            app(args=argv, prog_name="ecrfix")
        else:
            ecrfix(**quick)
    except typer.Exit as exc:  # raised by the command itself when typer is bypassed
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`ecrfix --diff | head`): no traceback, and nothing more to
        # write at exit either
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    return 0
