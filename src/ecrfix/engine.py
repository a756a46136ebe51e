from __future__ import annotations

import re
from typing import NamedTuple

from ecrfix.compose import compose_documents
from ecrfix.edits import Edit, OverlappingEdits, apply_edits
from ecrfix.errors import TemplateError
from ecrfix.fixes import Ctx
from ecrfix.model import FIXABLE, UNFIXABLE, Finding, Settings
from ecrfix.nodes import Node
from ecrfix.rule import find_findings, resources_of
from ecrfix.source import Source
from ecrfix.verify import Loaded, apply_changes, explain


class Outcome(NamedTuple):
    """What ecrfix makes of one file's text: findings, and the fixed text when asked."""

    findings: list[Finding]
    fixed: str  # equals the input when nothing could be fixed
    is_template: bool
    warnings: list[tuple[str, int]]


DEFAULT_SETTINGS = Settings()

# An alias token (`*name` after a space, `[`, `{` or `,`): the one way a fix can reach a
# resource that is not being fixed, so only then does --check pay for verification.
_ALIAS = re.compile(r"(?:^|[\s\[{,])\*[^\s,\[\]{}]")


def analyze(source: Source, settings: Settings = DEFAULT_SETTINGS, fix: bool = True) -> Outcome:
    documents = compose_documents(source.body)
    json_like = source.body.lstrip()[:1] in ("{", "[")
    ctx = Ctx(source.text, source.body_offset, source.newline, json_like, tuple(documents))
    findings: list[Finding] = []
    is_template = False
    for index, doc in enumerate(documents):
        if resources_of(doc) is not None:
            is_template = True
            findings += find_findings(ctx, index, doc, settings)
    if not any(f.status == FIXABLE for f in findings):
        return Outcome(findings, source.text, is_template, [])
    if fix:
        return _fix(source, documents, findings)
    if _ALIAS.search(source.body):
        # --check reports the status that --write would reach, but changes nothing
        return _fix(source, documents, findings)._replace(fixed=source.text)
    return Outcome(findings, source.text, is_template, [])


def _fix(source: Source, documents: list[Node], findings: list[Finding]) -> Outcome:
    fixable = [f for f in findings if f.status == FIXABLE]
    loader = Loaded()
    reason = _verify(source, documents, fixable, loader)
    warnings = loader.duplicates
    if reason is None:
        fixed = apply_edits(source.text, (e for f in fixable for e in f.edits))
        return Outcome(findings, fixed, True, warnings)
    # Something unintended would change: keep the largest groups of findings that verify.
    good = _verified_subset(source, documents, fixable)
    bad = {id(f) for f in fixable if f not in good}
    result = [f._replace(status=UNFIXABLE, reason=reason) if id(f) in bad else f for f in findings]
    fixed = apply_edits(source.text, (e for f in good for e in f.edits))
    return Outcome(result, fixed, True, warnings)


def _verified_subset(
    source: Source, documents: list[Node], findings: list[Finding]
) -> list[Finding]:
    """Findings whose fixes verify together, found by halving the set that does not: a few
    dozen parses for thousands of repositories with one conflict, not one per repository.
    Findings that only verify together (an anchor shared by two repositories) stay
    together while they fall in the same half."""
    if len(findings) < 2:
        return []  # the caller has seen this one (or none) fail
    middle = len(findings) // 2
    halves = [findings[:middle], findings[middle:]]
    kept = [
        half
        if _verify(source, documents, half) is None
        else _verified_subset(source, documents, half)
        for half in halves
    ]
    both = kept[0] + kept[1]
    if not kept[0] or not kept[1] or _verify(source, documents, both) is None:
        return both
    return max(kept, key=len)


def _verify(
    source: Source, documents: list[Node], findings: list[Finding], loader: Loaded | None = None
) -> str | None:
    """None when applying exactly these findings' edits changes exactly their intended paths."""
    edits: list[Edit] = [e for f in findings for e in f.edits]
    try:
        fixed = apply_edits(source.text, edits)
        after_docs = compose_documents(fixed[source.body_offset :])
    except OverlappingEdits:
        return "two fixes would edit the same text"
    except TemplateError as exc:
        return f"the fixed text would not parse ({exc})"
    expected = [(loader or Loaded()).load(doc) for doc in documents]
    after = [Loaded().load(doc) for doc in after_docs]
    apply_changes(expected, [c for f in findings for c in f.changes])
    if expected == after:
        return None
    return explain(expected, after)
