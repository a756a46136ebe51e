"""The output formats of `--format`, and which one applies when none is given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum

from ecrfix.run import FileError, FileReport


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"

    @property
    def is_document(self) -> bool:
        """One machine-read document on stdout: nothing else may go there, and no progress bar."""
        return self in (Format.json, Format.sarif)

    def render(self, reports: Sequence[FileReport], errors: Sequence[FileError]) -> str:
        # each renderer is imported when asked for: a plain text run loads none of them
        from ecrfix.render_github import render_github
        from ecrfix.render_sarif import render_sarif
        from ecrfix.report import render_json

        if self is Format.json:
            return render_json(reports, errors)
        if self is Format.sarif:
            return render_sarif(reports, errors)
        if self is Format.github:
            return render_github(reports, errors)
        raise ValueError(f"{self.value} output is written line by line")


def default_format(environ: Mapping[str, str]) -> Format:
    # as yamllint does: under GitHub Actions findings become annotations on the pull request
    return Format.github if environ.get("GITHUB_ACTIONS") == "true" else Format.text
