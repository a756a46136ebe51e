from __future__ import annotations

import functools
import sys
from enum import Enum
from typing import Annotated

import typer

from ecrfix import __version__
from ecrfix.argv import quick_options
from ecrfix.diff import unified_diff
from ecrfix.model import SUPPRESSED, UNFIXABLE, Settings
from ecrfix.parallel import process_all
from ecrfix.report import (
    all_errors,
    exit_code,
    format_error,
    format_finding,
    render_json,
    sorted_findings,
    summary,
)
from ecrfix.run import STDIN, FileError, FileReport, Mode, Target, iter_targets, process


class Format(str, Enum):
    text = "text"
    json = "json"


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
        Format, typer.Option("--format", help="Output format for findings.")
    ] = Format.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Also flag IMMUTABLE_WITH_EXCLUSION.")
    ] = False,
    unsafe_fixes: Annotated[
        bool, typer.Option("--unsafe-fixes", help="Apply fixes that change behaviour elsewhere.")
    ] = False,
    stdin_filename: Annotated[
        str, typer.Option("--stdin-filename", help="Name shown for standard input.")
    ] = STDIN,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Processes to use [default: one per CPU]."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Find and fix AWS::ECR::Repository resources whose image tags are mutable."""
    if sum((check, diff, write)) > 1:
        sys.stderr.write("ecrfix: error: --check, --diff and --write are mutually exclusive\n")
        raise typer.Exit(2)
    mode = Mode.from_flags(check, diff, write)
    settings = Settings(strict=strict, unsafe_fixes=unsafe_fixes)
    walk_errors: list[FileError] = []
    targets = iter_targets(paths or ["."], walk_errors)  # walked while files are processed
    work = functools.partial(_process, settings=settings, mode=mode, stdin_name=stdin_filename)
    reports = process_all(targets, work, jobs)
    errors = all_errors(reports, walk_errors)
    _emit(reports, errors, mode, output_format)
    raise typer.Exit(exit_code(reports, errors, mode))


def _process(target: Target, settings: Settings, mode: Mode, stdin_name: str) -> FileReport:
    if target.path != STDIN:
        return process(target, settings, mode)
    data = sys.stdin.buffer.read()
    report = process(Target(stdin_name, True), settings, mode, data=data)
    if report.error is None and not report.original and data:
        report = report._replace(original=data.decode("utf-8", "replace"))
        report = report._replace(fixed=report.original)
    return report._replace(path=stdin_name)


def _emit(reports: list[FileReport], errors: list[FileError], mode: Mode, fmt: Format) -> None:
    out, err = sys.stdout, sys.stderr
    stdin_write = mode is Mode.WRITE and any(_is_stdin(r) for r in reports)
    if mode is Mode.WRITE:
        for report in reports:
            if _is_stdin(report):
                out.write(report.fixed)
    if fmt is Format.json:
        out.write(render_json(reports, errors))
    else:
        for report in sorted(reports, key=lambda r: r.path):
            if mode is Mode.DIFF and report.changed and report.error is None:
                out.write(unified_diff(report.path, report.original, report.fixed))
        finding_stream = err if mode is Mode.DIFF or stdin_write else out
        for path, finding in sorted_findings(reports):
            if finding.status == SUPPRESSED:
                continue
            if mode is Mode.DIFF and finding.status != UNFIXABLE:
                continue
            finding_stream.write(format_finding(path, finding) + "\n")
    for report in sorted(reports, key=lambda r: r.path):
        if report.note:
            err.write(f"{report.path}: note: {report.note}\n")
        for key, line in report.warnings:
            err.write(
                f"{report.path}:{line}: warning: duplicate key '{key}' (the last one applies)\n"
            )
    for error in errors:
        err.write(format_error(error) + "\n")
    err.write(summary(reports, errors, mode) + "\n")


def _is_stdin(report: FileReport) -> bool:
    return report.path == STDIN or report.path.startswith("<")


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
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    return 0
