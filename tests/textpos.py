"""An independent reading of 1-based line/column regions, to check what the formats claim."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from .conftest import GOLDEN

Replacement = tuple[int, int, int, int, str]  # start line, start column, end line, end column, text


def offset_of(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    start = sum(len(before) + 1 for before in lines[: line - 1])
    bom = 1 if line == 1 and text.startswith("\ufeff") else 0  # editors do not count the BOM
    return start + bom + column - 1


def apply_replacements(text: str, replacements: Iterable[Replacement]) -> str:
    # the same edit listed by two findings (a shared anchor) is made once
    spans = {
        (offset_of(text, sl, sc), offset_of(text, el, ec), new)
        for sl, sc, el, ec, new in replacements
    }
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def fixed_cases() -> list[Path]:
    """Golden cases whose input gets fixed (expected.diff is there too; it is not the output)."""
    return sorted(p for p in GOLDEN.iterdir() if p.is_dir() and _expected(p).exists())


def _expected(case: Path) -> Path:
    (source,) = case.glob("input.*")
    return case / f"expected{source.suffix}"


def copy_input(case: Path, folder: Path) -> tuple[str, str, str]:
    """Copy the case's input into `folder`: its name there, its text, the expected text."""
    (source,) = case.glob("input.*")
    expected = _expected(case)
    shutil.copy(source, folder / source.name)
    return source.name, read(source), read(expected)


def case_flags(case: Path) -> list[str]:
    """The command-line flags a golden case is run with (its `flags` file)."""
    flags = case / "flags"
    return flags.read_text().split() if flags.exists() else []


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # keeps CRLF and the BOM
