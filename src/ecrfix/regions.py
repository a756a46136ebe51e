"""1-based line/column regions of findings and edits, as editors and code scanning count them."""

from __future__ import annotations

from typing import NamedTuple

from ecrfix.edits import Edit, position
from ecrfix.model import FIXABLE, FIXED, Finding
from ecrfix.source import BOM

_KEY_END = frozenset(":,{}[]#") | frozenset(" \t\r\n")


class Region(NamedTuple):
    start_line: int
    start_column: int  # code points, the BOM not counted
    end_line: int
    end_column: int  # the column just past the region


def _point(text: str, offset: int) -> tuple[int, int]:
    line, column = position(text, offset)
    # finding columns come from the composer, which never sees the BOM; edits must agree
    if line == 1 and text.startswith(BOM):
        column -= 1
    return line, column


def edit_region(text: str, edit: Edit) -> Region:
    """Where `edit` applies in `text`, the original text of the file."""
    return Region(*_point(text, edit.start), *_point(text, edit.end))


def finding_region(text: str, finding: Finding) -> Region:
    """The key the finding points at: a quoted key up to its closing quote, else up to `:`."""
    lines = text.split("\n")
    if not 0 < finding.line <= len(lines):
        return Region(finding.line, finding.column, finding.line, finding.column)
    line = lines[finding.line - 1]
    start = finding.column - 1 + (1 if finding.line == 1 and line.startswith(BOM) else 0)
    end = start
    if line[start : start + 1] in ("'", '"'):
        close = line.find(line[start], start + 1)
        end = close + 1 if close != -1 else len(line.rstrip("\r"))
    else:
        while end < len(line) and line[end] not in _KEY_END:
            end += 1
    width = max(end - start, 1)
    return Region(finding.line, finding.column, finding.line, finding.column + width)


def fix_edits(finding: Finding) -> tuple[Edit, ...]:
    """The edits that fix (or fixed) the finding; none for a finding left alone."""
    return finding.edits if finding.status in (FIXABLE, FIXED) else ()


def edits_json(text: str, finding: Finding) -> list[dict[str, object]]:
    regions = [(edit_region(text, e), e.new) for e in sorted(fix_edits(finding))]
    return [
        {
            "start_line": r.start_line,
            "start_column": r.start_column,
            "end_line": r.end_line,
            "end_column": r.end_column,
            "new_text": new,
        }
        for r, new in regions
    ]
