"""Run the analysis on a template text the way `ecrfix --diff` would, for the table tests."""

from __future__ import annotations

from typing import NamedTuple

from ecrfix.engine import analyze
from ecrfix.model import Settings
from ecrfix.source import decode


class Seen(NamedTuple):
    resource: str
    line: int
    status: str
    actual: str
    reason: str


def run(text: str, strict: bool = False, unsafe_fixes: bool = False) -> tuple[str, list[Seen]]:
    """The fixed text and what was reported, sorted by line and resource."""
    settings = Settings(strict=strict, unsafe_fixes=unsafe_fixes)
    outcome = analyze(decode(text.encode()), settings)
    seen = [Seen(f.resource, f.line, f.status, f.actual_value, f.reason) for f in outcome.findings]
    if outcome.fixed != text:  # a fix must hold on a second run
        again = analyze(decode(outcome.fixed.encode()), settings)
        assert again.fixed == outcome.fixed
        assert all(f.status not in ("fixable", "fixed") for f in again.findings)
    return outcome.fixed, sorted(seen, key=lambda s: (s.line, s.resource))


def repo(props: str, rtype: str = "AWS::ECR::Repository", extra: str = "") -> str:
    """A YAML template with one repository whose Properties block is `props`."""
    body = "".join(f"      {line}\n" for line in props.splitlines())
    return f"{extra}Resources:\n  Repo:\n    Type: {rtype}\n    Properties:\n{body}"
