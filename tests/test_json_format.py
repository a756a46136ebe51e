from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ecrfix.cli import main
from ecrfix.edits import Edit
from ecrfix.regions import Region, edit_region

from .conftest import GOLDEN
from .textpos import apply_replacements, case_flags, copy_input, fixed_cases

MINIFIED = '{"Resources":{"Repo":{"Type":"AWS::ECR::Repository","Properties":{}}}}'

# field: type, in the order the document gives them
FINDING_FIELDS: dict[str, type | tuple[type, ...]] = {
    "file": str,
    "line": int,
    "column": int,
    "resource": str,
    "resource_type": str,
    "issue_type": str,
    "actual_value": str,
    "expected_value": str,
    "status": str,
    "reason": str,
    "message": str,
    "query_id": str,
    "severity": str,
    "edits": list,
}
EDIT_FIELDS = {
    "start_line": int,
    "start_column": int,
    "end_line": int,
    "end_column": int,
    "new_text": str,
}
SUMMARY_FIELDS = [
    "files",
    "files_changed",
    "findings",
    "fixable",
    "fixed",
    "unfixable",
    "suppressed",
    "errors",
]


def document(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["--format", "json", *argv])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def _edits(doc: dict[str, Any]) -> list[tuple[int, int, int, int, str]]:
    return [
        (e["start_line"], e["start_column"], e["end_line"], e["end_column"], e["new_text"])
        for f in doc["findings"]
        for e in f["edits"]
    ]


def test_fields_types_and_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for case in ("seed-positive1-yaml", "anchor-shared-with-other-resource"):
        (source,) = (GOLDEN / case).glob("input.*")
        (tmp_path / f"{case}{source.suffix}").write_bytes(source.read_bytes())
    code, doc = document(["--diff", "."], capsys)
    assert code == 1
    assert list(doc) == ["version", "findings", "errors", "summary"]
    assert len(doc["findings"]) == 3
    for finding in doc["findings"]:
        assert list(finding) == list(FINDING_FIELDS)
        for field, kind in FINDING_FIELDS.items():
            assert isinstance(finding[field], kind), field
        for edit in finding["edits"]:
            assert list(edit) == list(EDIT_FIELDS)
            assert all(isinstance(edit[k], t) for k, t in EDIT_FIELDS.items())
        # only a finding that ecrfix fixes (or would fix) lists edits
        assert bool(finding["edits"]) == (finding["status"] in ("fixable", "fixed"))
    assert list(doc["summary"]) == SUMMARY_FIELDS
    assert doc["summary"] | {"files": 0} == {
        "files": 0,
        "files_changed": 1,
        "findings": 3,
        "fixable": 2,
        "fixed": 0,
        "unfixable": 1,
        "suppressed": 0,
        "errors": 0,
    }


@pytest.mark.parametrize("case", fixed_cases(), ids=lambda p: p.name)
def test_json_edits_rebuild_the_expected_file(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    name, text, expected = copy_input(case, tmp_path)
    _, doc = document(["--diff", *case_flags(case), name], capsys)
    assert apply_replacements(text, _edits(doc)) == expected


def test_write_reports_the_edits_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    name, text, expected = copy_input(GOLDEN / "seed-positive2-json", tmp_path)
    code, doc = document(["--write", name], capsys)
    assert code == 0
    assert {f["status"] for f in doc["findings"]} == {"fixed"}
    assert (tmp_path / name).read_bytes().decode() == expected
    assert apply_replacements(text, _edits(doc)) == expected


def test_bom_is_not_a_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plain.json").write_text(MINIFIED)
    (tmp_path / "bom.json").write_text("\ufeff" + MINIFIED)
    _, doc = document(["--diff", "plain.json", "bom.json"], capsys)
    bom, plain = doc["findings"]
    assert (bom["file"], plain["file"]) == ("bom.json", "plain.json")
    assert bom | {"file": ""} == plain | {"file": ""}
    assert plain["edits"] == [
        {
            "start_line": 1,
            "start_column": 66,
            "end_line": 1,
            "end_column": 68,
            "new_text": '{"ImageTagMutability":"IMMUTABLE"}',  # minified: no spaces
        }
    ]


@pytest.mark.parametrize(
    ("text", "edit", "region"),
    [
        pytest.param("ab\ncd\n", Edit(4, 5, "X"), Region(2, 2, 2, 3), id="second line"),
        pytest.param("ab\r\ncd", Edit(2, 2, "\r\nX"), Region(1, 3, 1, 3), id="before CRLF"),
        pytest.param("\ufeffab", Edit(1, 2, "X"), Region(1, 1, 1, 2), id="after a BOM"),
        pytest.param("é€\n𝄞x", Edit(4, 5, "y"), Region(2, 2, 2, 3), id="code points"),
        pytest.param("a\nb\nc", Edit(0, 5, ""), Region(1, 1, 3, 2), id="several lines"),
    ],
)
def test_edit_region(text: str, edit: Edit, region: Region) -> None:
    assert edit_region(text, edit) == region
