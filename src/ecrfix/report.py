from __future__ import annotations

from collections.abc import Sequence

from ecrfix import QUERY_ID, __version__
from ecrfix.diff import quote_path
from ecrfix.model import FIXABLE, FIXED, SUPPRESSED, UNFIXABLE, Finding
from ecrfix.regions import edits_json
from ecrfix.run import FileError, FileReport, Mode

SEVERITY = "MEDIUM"


def sorted_findings(reports: Sequence[FileReport]) -> list[tuple[str, Finding]]:
    pairs = [(r.path, f) for r in reports for f in r.findings]
    return sorted(pairs, key=lambda p: (p[0], p[1].line, p[1].column, p[1].resource))


def all_errors(reports: Sequence[FileReport], extra: Sequence[FileError]) -> list[FileError]:
    found = [r.error for r in reports if r.error is not None] + list(extra)
    return sorted(found, key=lambda e: (e.path, e.line or 0, e.message))


def counts(reports: Sequence[FileReport]) -> dict[str, int]:
    statuses = [f.status for r in reports for f in r.findings]
    return {
        "files": len(reports),
        "files_changed": sum(1 for r in reports if r.changed and r.error is None),
        "findings": sum(1 for s in statuses if s != SUPPRESSED),
        "fixable": statuses.count(FIXABLE),
        "fixed": statuses.count(FIXED),
        "unfixable": statuses.count(UNFIXABLE),
        "suppressed": statuses.count(SUPPRESSED),
        "errors": sum(1 for r in reports if r.error is not None),
    }


def exit_code(reports: Sequence[FileReport], errors: Sequence[FileError], mode: Mode) -> int:
    if errors:
        return 2
    statuses = {f.status for r in reports for f in r.findings}
    if mode is Mode.WRITE:
        return 1 if UNFIXABLE in statuses else 0
    return 1 if statuses & {FIXABLE, UNFIXABLE} else 0


def format_finding(path: str, finding: Finding) -> str:
    where = f"{quote_path(path)}:{finding.line}:{finding.column}"
    return f"{where}: {finding.message} [{finding.status}]"


def format_error(error: FileError) -> str:
    path = quote_path(error.path)
    where = f"{path}:{error.line}" if error.line else path
    return f"{where}: error: {error.message}"


def _repos(n: int) -> str:
    return f"{n} repositor{'y' if n == 1 else 'ies'}"


def _files(n: int) -> str:
    return f"{n} file{'' if n == 1 else 's'}"


def summary(reports: Sequence[FileReport], errors: Sequence[FileError], mode: Mode) -> str:
    c = counts(reports)
    changed = c["files_changed"]
    if mode is Mode.WRITE:
        parts = [f"{_repos(c['fixed'])} fixed in {_files(changed)}"]
    else:
        fixable_files = _files_with(reports, FIXABLE)
        parts = [f"would fix {_repos(c['fixable'])} in {_files(fixable_files)}"]
    if c["unfixable"]:
        parts.append(f"{c['unfixable']} left for review")
    if c["suppressed"]:
        parts.append(f"{c['suppressed']} suppressed")
    if errors:
        parts.append(f"{_files(len(errors))} with errors")
    return ", ".join(parts) + f" ({_files(c['files'])} checked)"


def _files_with(reports: Sequence[FileReport], status: str) -> int:
    return sum(1 for r in reports if any(f.status == status for f in r.findings))


def finding_json(path: str, finding: Finding) -> dict[str, object]:
    return {
        "file": path,
        "line": finding.line,
        "column": finding.column,
        "resource": finding.resource,
        "resource_type": finding.resource_type,
        "issue_type": finding.issue_type,
        "actual_value": finding.actual_value,
        "expected_value": finding.expected_value,
        "status": finding.status,
        "reason": finding.reason,
        "message": finding.message,
        "query_id": QUERY_ID,
        "severity": SEVERITY,
    }


def render_json(reports: Sequence[FileReport], errors: Sequence[FileError]) -> str:
    texts = {r.path: r.original for r in reports}
    document = {
        "version": __version__,
        "findings": [
            finding_json(p, f) | {"edits": edits_json(texts[p], f)}
            for p, f in sorted_findings(reports)
        ],
        "errors": [{"file": e.path, "line": e.line, "message": e.message} for e in errors],
        "summary": counts(reports),
    }
    import json  # only --format json needs it

    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
