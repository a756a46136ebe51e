"""The command line as typer reads it: help, version, completion and every option. The
usual command lines skip this module (and typer's import) altogether: see cli.py."""

from __future__ import annotations

from typing import Annotated

import typer

from ecrfix import __version__
from ecrfix.command import BRANCH, MAX_FILE_SIZE, REMOTE, run_command
from ecrfix.formats import Format
from ecrfix.run import STDIN
from ecrfix.terminal import Color

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
    ] = MAX_FILE_SIZE,
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
    ] = BRANCH,
    base: Annotated[
        str | None, typer.Option("--base", help="With --pr: base branch [remote's default].")
    ] = None,
    remote: Annotated[str, typer.Option("--remote", help="With --pr: remote to push to.")] = REMOTE,
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
    raise typer.Exit(
        run_command(
            paths=paths,
            check=check,
            diff=diff,
            write=write,
            output_format=output_format,
            color=color,
            strict=strict,
            unsafe_fixes=unsafe_fixes,
            show_suppressed=show_suppressed,
            config_path=config_path,
            stdin_filename=stdin_filename,
            max_file_size=max_file_size,
            jobs=jobs,
            pr=pr,
            dry_run=dry_run,
            branch=branch,
            base=base,
            remote=remote,
            repo=repo,
            label=label,
            author=author,
        )
    )
