from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import NamedTuple


class Edit(NamedTuple):
    start: int  # code-point offsets into the original text
    end: int
    new: str


class OverlappingEdits(ValueError):
    pass


def normalize(edits: Iterable[Edit]) -> list[Edit]:
    """Sorted, duplicates dropped (an anchor fixed for two repositories is one edit)."""
    unique = sorted(set(edits))
    for before, after in itertools.pairwise(unique):
        if after.start < before.end or (after.start == before.start == before.end == after.end):
            raise OverlappingEdits(f"edits at offsets {before.start} and {after.start} overlap")
    return unique


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    # offsets all refer to the original text, so pieces are joined in one forward pass
    pieces: list[str] = []
    done = 0
    for edit in normalize(edits):
        pieces += (text[done : edit.start], edit.new)
        done = edit.end
    pieces.append(text[done:])
    return "".join(pieces)


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a code-point offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
