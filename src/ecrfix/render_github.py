"""GitHub Actions workflow commands: each finding becomes an annotation on its line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ecrfix.model import FIXED, SUPPRESSED
from ecrfix.report import sorted_findings
from ecrfix.rule_info import TITLE
from ecrfix.run import FileError, FileReport


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: Mapping[str, object], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name} {props}::{escape_data(message)}"


def render_github(reports: Sequence[FileReport], errors: Sequence[FileError]) -> str:
    lines: list[str] = []
    for path, finding in sorted_findings(reports):
        if finding.status == SUPPRESSED:
            continue
        where = {"file": path, "line": finding.line, "col": finding.column, "title": TITLE}
        level = "notice" if finding.status == FIXED else "warning"
        lines.append(command(level, where, f"{finding.message} [{finding.status}]"))
    for error in errors:
        place: dict[str, object] = {"file": error.path}
        if error.line:
            place["line"] = error.line
        lines.append(command("error", place | {"title": "ecrfix"}, error.message))
    return "".join(line + "\n" for line in lines)
