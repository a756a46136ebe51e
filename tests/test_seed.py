from __future__ import annotations

import json
from pathlib import Path

from ecrfix.engine import analyze
from ecrfix.source import decode

from .conftest import shared_dir


def test_seed_findings_equal_kics_expected_results() -> None:
    seed = shared_dir("seed")
    expected = json.loads((seed / "positive_expected_result.json").read_text())
    want = {
        (r["filename"], r["line"], r["searchKey"].split(".")[1], r["resourceType"])
        for r in expected
    }
    got = set()
    for path in sorted(seed.glob("*.*")):
        if (
            path.name.startswith(("positive", "negative"))
            and path.name != "positive_expected_result.json"
        ):
            for f in analyze(decode(path.read_bytes())).findings:
                got.add((path.name, f.line, f.resource, f.resource_type))
    assert got == want


def test_seed_issue_types_match(tmp_path: Path) -> None:
    seed = shared_dir("seed")
    expected = json.loads((seed / "positive_expected_result.json").read_text())
    types = {
        (r["filename"], r["line"]): "IncorrectValue"
        if r["searchKey"].endswith("ImageTagMutability")
        else "MissingAttribute"
        for r in expected
    }
    for (name, line), issue in types.items():
        findings = analyze(decode((seed / name).read_bytes())).findings
        assert [f.issue_type for f in findings if f.line == line] == [issue]
