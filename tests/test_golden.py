"""One test per folder of golden/: input -> expected output, diff and findings.

Regenerate for review with `ECRFIX_UPDATE_GOLDEN=1 pytest tests/test_golden.py`, then
read `git diff golden/` like code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrfix.diff import unified_diff
from ecrfix.engine import analyze
from ecrfix.model import Settings
from ecrfix.source import decode

from .conftest import GOLDEN

CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())


def _input(case: Path) -> Path:
    (found,) = case.glob("input.*")
    return found


def _check(path: Path, actual: str, update: bool) -> None:
    if update:
        if actual:
            path.write_bytes(actual.encode("utf-8"))
        elif path.exists():
            path.unlink()
        return
    expected = path.read_bytes().decode("utf-8") if path.exists() else ""
    assert actual == expected, f"{path.name} differs from the golden file"


def _settings(case: Path) -> Settings:
    flags = (case / "flags").read_text().split() if (case / "flags").exists() else []
    return Settings(strict="--strict" in flags, unsafe_fixes="--unsafe-fixes" in flags)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path, update_golden: bool) -> None:
    source_path = _input(case)
    source = decode(source_path.read_bytes())
    outcome = analyze(source, _settings(case))
    changed = outcome.fixed != source.text
    findings = "".join(
        f"{f.line}:{f.column}: {f.message} [{f.status}]\n"
        for f in sorted(outcome.findings, key=lambda f: (f.line, f.column))
    )
    name = source_path.name.replace("input", "expected")
    _check(case / name, outcome.fixed if changed else "", update_golden)
    _check(case / "expected.diff", unified_diff(name, source.text, outcome.fixed), update_golden)
    _check(case / "findings.txt", findings, update_golden)
    if changed:
        again = analyze(decode(outcome.fixed.encode("utf-8")), _settings(case))
        assert again.fixed == outcome.fixed, "a second run must change nothing"
        assert all(f.status not in ("fixable", "fixed") for f in again.findings)
