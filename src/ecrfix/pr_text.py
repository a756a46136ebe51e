from __future__ import annotations

import shlex
from collections.abc import Sequence
from itertools import groupby

from ecrfix import QUERY_ID, __version__
from ecrfix.diff import unified_diff
from ecrfix.model import FIXED, PROPERTY, Finding
from ecrfix.report import sorted_findings
from ecrfix.run import FileError, FileReport

TITLE = "fix(ecr): make image tags immutable"
# Marks a pull request as the bot's own: only such a pull request is updated or closed.
MARKER = "<!-- ecrfix:pr -->"
BODY_LIMIT = 60_000  # GitHub refuses bodies over 65,536 characters


def fixed(reports: Sequence[FileReport]) -> list[tuple[str, Finding]]:
    return [(p, f) for p, f in sorted_findings(reports) if f.status == FIXED]


def left(reports: Sequence[FileReport]) -> list[tuple[str, Finding]]:
    return [(p, f) for p, f in sorted_findings(reports) if f.status != FIXED]


def commit_message(reports: Sequence[FileReport]) -> str:
    done = fixed(reports)
    lines = [
        TITLE,
        "",
        f"Set {PROPERTY} to IMMUTABLE on {_repositories(len(done))}, so that",
        "an image tag, once pushed, can no longer be overwritten:",
        "",
    ]
    for path, group in groupby(done, key=lambda pair: pair[0]):
        lines.append(f"- {path}: {', '.join(f.resource for _, f in group)}")
    return "\n".join([*lines, "", f"Made with ecrfix {__version__}."]) + "\n"


def pr_body(
    reports: Sequence[FileReport], errors: Sequence[FileError], reproduce: Sequence[str]
) -> str:
    done = fixed(reports)
    head = [
        MARKER,
        f"ecrfix set `{PROPERTY}` to `IMMUTABLE` on {_repositories(len(done))}, so that an "
        "image tag, once pushed, can no longer be overwritten with different content "
        f"(KICS `{QUERY_ID}`, checkov `CKV_AWS_51`, trivy `AVD-AWS-0031`).",
        "",
        "| File | Logical ID | Before | After |",
        "|---|---|---|---|",
    ]
    rows = [
        f"| {_code(p)} | {_code(f.resource)} | {_value(f.actual_value)} | "
        f"{_code(f.expected_value)} |"
        for p, f in done
    ]
    tail = [
        "",
        "### Left for a human",
        "",
        *_left_lines(reports, errors),
        "",
        "### Reproduce locally",
        "",
        "```sh",
        shlex.join(["ecrfix", "--diff", *reproduce]),
        "```",
        "",
        "---",
        f"Opened by ecrfix {__version__} (`ecrfix --pr`). Every run resets this branch to the "
        "base branch plus one fix commit, so commits pushed to it are lost: change the "
        "templates on the base branch instead.",
    ]
    return _fit(head, rows, tail)


def _left_lines(reports: Sequence[FileReport], errors: Sequence[FileError]) -> list[str]:
    pending = left(reports)
    if not pending and not errors:
        return ["Nothing: every finding was fixed."]
    lines = ["| File | Line | Logical ID | Status | Why |", "|---|---|---|---|---|"]
    for path, f in pending:
        lines.append(
            f"| {_code(path)} | {f.line} | {_code(f.resource)} | {f.status} | {_text(_why(f))} |"
        )
    for error in errors:
        lines.append(
            f"| {_code(error.path)} | {error.line or ''} | | error | {_text(error.message)} |"
        )
    return lines


def _why(finding: Finding) -> str:
    if finding.reason:
        return finding.reason
    if finding.unsafe:
        return "the fix changes behaviour elsewhere: review it and run ecrfix --unsafe-fixes"
    return f"{PROPERTY} is {finding.actual_value}"


def _fit(head: list[str], rows: list[str], tail: list[str]) -> str:
    """The body, with table rows dropped from the end if GitHub would refuse its length."""
    fixed_size = len("\n".join(head + tail)) + 200
    kept: list[str] = []
    size = fixed_size
    for row in rows:
        size += len(row) + 1
        if size > BODY_LIMIT:
            break
        kept.append(row)
    if len(kept) < len(rows):
        kept.append(f"| … and {len(rows) - len(kept)} more (see the commit) | | | |")
    return "\n".join([*head, *kept, *tail]) + "\n"


def _repositories(n: int) -> str:
    return f"{n} ECR repositor{'y' if n == 1 else 'ies'}"


def _value(actual: str) -> str:
    if len(actual) >= 2 and actual[0] == actual[-1] and actual[0] in "'\"":
        return _code(actual[1:-1])
    return _text(actual)


def _code(text: str) -> str:
    # A table cell ends at any unescaped `|`, even inside a code span.
    text = " ".join(text.split()).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _text(text: str) -> str:
    # `@name` in a reason quoted from a file would notify a GitHub user.
    return " ".join(text.split()).replace("|", "\\|").replace("@", "&#64;")


def preview(
    where: str,
    reports: Sequence[FileReport],
    errors: Sequence[FileError],
    reproduce: Sequence[str],
) -> str:
    """What --dry-run prints: the branch, commit message, pull request and diff."""
    parts = [
        f"==> branch <==\n{where}\n",
        f"==> commit message <==\n{commit_message(reports)}",
        f"==> pull request title <==\n{TITLE}\n",
        f"==> pull request body <==\n{pr_body(reports, errors, reproduce)}",
        "==> diff <==\n"
        + "".join(
            unified_diff(r.path, r.original, r.fixed)
            for r in sorted(reports, key=lambda r: r.path)
            if r.changed and r.error is None
        ),
    ]
    return "\n".join(parts)
