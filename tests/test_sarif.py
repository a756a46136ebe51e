from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ecrfix import __version__
from ecrfix.cli import main
from ecrfix.model import FIXABLE, SUPPRESSED, Finding
from ecrfix.render_sarif import render_sarif
from ecrfix.rule_info import RULE_ID
from ecrfix.run import FileReport

from .conftest import GOLDEN, ROOT, shared_dir
from .textpos import apply_replacements, case_flags, copy_input, fixed_cases, read

SCHEMA_COPY = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
BROKEN = "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties: [unclosed\n"


def sarif(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["--format", "sarif", *argv])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def schema_errors(log: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA_COPY.read_text())
    validator = jsonschema.Draft4Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


@pytest.fixture
def seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The seed's positive YAML as input.yaml in the working folder; returns its text."""
    monkeypatch.chdir(tmp_path)
    return copy_input(GOLDEN / "seed-positive1-yaml", tmp_path)[1]


@pytest.fixture
def mixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fixable, unfixable, CRLF with a BOM, and a file that does not parse."""
    monkeypatch.chdir(tmp_path)
    for case in ("seed-positive1-yaml", "anchor-shared-with-other-resource", "crlf-bom"):
        (source,) = (GOLDEN / case).glob("input.*")
        shutil.copy(source, tmp_path / f"{case}{source.suffix}")
    (tmp_path / "broken.yaml").write_text(BROKEN)
    return tmp_path


def test_sarif_is_valid_against_the_oasis_schema(
    mixed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, log = sarif(["--diff", "."], capsys)
    assert code == 2  # broken.yaml
    assert schema_errors(log) == []
    statuses = sorted(r["properties"]["status"] for r in log["runs"][0]["results"])
    assert statuses == ["fixable"] * 5 + ["unfixable"]
    assert sum("fixes" in r for r in log["runs"][0]["results"]) == 5
    # the validator does reject what breaks the schema
    bad = copy.deepcopy(log)
    bad["runs"][0]["results"][0]["level"] = "severe"
    del bad["runs"][0]["tool"]["driver"]["name"]
    assert len(schema_errors(bad)) == 2


def test_schema_copy_is_the_shared_schema() -> None:
    shared = shared_dir("schemas") / "sarif-schema-2.1.0.json"
    assert SCHEMA_COPY.read_bytes() == shared.read_bytes()


def _get(node: Any, dotted: str) -> Any:
    for part in dotted.split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


# what GitHub code scanning reads (docs: "SARIF support for code scanning"); none may be empty
GITHUB_REQUIRED = [
    "$schema",
    "version",
    "runs/0/tool/driver/name",
    "runs/0/tool/driver/version",
    "runs/0/tool/driver/informationUri",
    "runs/0/tool/driver/rules/0/id",
    "runs/0/tool/driver/rules/0/name",
    "runs/0/tool/driver/rules/0/shortDescription/text",
    "runs/0/tool/driver/rules/0/fullDescription/text",
    "runs/0/tool/driver/rules/0/help/text",
    "runs/0/tool/driver/rules/0/help/markdown",
    "runs/0/tool/driver/rules/0/properties/tags",
    "runs/0/tool/driver/rules/0/properties/security-severity",
    "runs/0/tool/driver/rules/0/defaultConfiguration/level",
    "runs/0/results/0/ruleId",
    "runs/0/results/0/message/text",
    "runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri",
    "runs/0/results/0/locations/0/physicalLocation/region/startLine",
    "runs/0/results/0/locations/0/physicalLocation/region/startColumn",
    "runs/0/results/0/locations/0/physicalLocation/region/endLine",
    "runs/0/results/0/locations/0/physicalLocation/region/endColumn",
    "runs/0/results/0/partialFingerprints/primaryLocationLineHash",
]


def test_sarif_has_what_github_code_scanning_reads(
    seed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, log = sarif(["input.yaml"], capsys)
    assert code == 1
    for dotted in GITHUB_REQUIRED:
        assert _get(log, dotted) not in ("", [], None), dotted
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "ecrfix" and driver["version"] == __version__
    rule = driver["rules"][0]
    assert "security" in rule["properties"]["tags"]
    assert 4.0 <= float(rule["properties"]["security-severity"]) < 7.0  # medium, like KICS
    assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
    for result in log["runs"][0]["results"]:
        assert (result["ruleId"], result["ruleIndex"], result["level"]) == (RULE_ID, 0, "warning")
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "input.yaml", "uriBaseId": "%SRCROOT%"}
    root = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == tmp_path.resolve().as_uri() + "/"


def test_result_regions_point_at_the_findings(
    seed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, log = sarif(["input.yaml"], capsys)
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in log["runs"][0]["results"]]
    # line 5 `      ImageTagMutability: "MUTABLE"`, line 27 `    Properties:`
    assert regions == [
        {"startLine": 5, "startColumn": 7, "endLine": 5, "endColumn": 25},
        {"startLine": 27, "startColumn": 5, "endLine": 27, "endColumn": 15},
    ]


@pytest.mark.parametrize("case", fixed_cases(), ids=lambda p: p.name)
def test_sarif_fixes_rebuild_the_expected_file(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    name, text, expected = copy_input(case, tmp_path)
    _, log = sarif(["--diff", *case_flags(case), name], capsys)
    replacements = []
    for result in log["runs"][0]["results"]:
        for fix in result.get("fixes", []):
            (change,) = fix["artifactChanges"]
            assert change["artifactLocation"]["uri"] == name
            for rep in change["replacements"]:
                region = rep["deletedRegion"]
                replacements.append(
                    (
                        region["startLine"],
                        region["startColumn"],
                        region["endLine"],
                        region["endColumn"],
                        rep["insertedContent"]["text"],
                    )
                )
    assert replacements
    assert apply_replacements(text, replacements) == expected


def test_fingerprints_follow_the_resource_not_the_line(
    seed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, before = sarif(["input.yaml"], capsys)
    Path("input.yaml").write_text("# a comment\n\n" + seed)
    _, after = sarif(["input.yaml"], capsys)

    def prints(log: dict[str, Any]) -> list[tuple[int, str]]:
        return [
            (
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["partialFingerprints"]["primaryLocationLineHash"],
            )
            for r in log["runs"][0]["results"]
        ]

    (line1, print1), (line2, print2) = prints(before)
    assert prints(after) == [(line1 + 2, print1), (line2 + 2, print2)]
    assert print1 != print2


def test_fixed_findings_leave_no_result(seed: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, log = sarif(["--write", "input.yaml"], capsys)
    assert code == 0
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    assert schema_errors(log) == []


def test_errors_become_tool_notifications(mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, log = sarif(["--check", "broken.yaml"], capsys)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "broken.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 5},
    }


def _finding(status: str, reason: str = "") -> Finding:
    return Finding(
        1, 1, "Repo", "AWS::ECR::Repository", "IncorrectValue", "'MUTABLE'", status, reason
    )


def test_suppressed_findings_carry_a_suppression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    report = FileReport("t.yaml", [_finding(SUPPRESSED, "pull-through cache")], "Repo:\n")
    log = json.loads(render_sarif([report], []))
    (result,) = log["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "pull-through cache"}]
    assert "fixes" not in result
    assert schema_errors(log) == []


def test_paths_become_uris(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inside = tmp_path / "work"
    inside.mkdir()
    monkeypatch.chdir(inside)
    reports = [
        FileReport("dir with space/t.yaml", [_finding(FIXABLE)], "Repo:\n"),
        FileReport(str(tmp_path / "other.yaml"), [_finding(FIXABLE)], "Repo:\n"),
    ]
    log = json.loads(render_sarif(reports, []))
    locations = [
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]
    ]
    assert sorted(locations, key=str) == sorted(
        [
            {"uri": "dir%20with%20space/t.yaml", "uriBaseId": "%SRCROOT%"},
            {"uri": (tmp_path / "other.yaml").as_uri()},
        ],
        key=str,
    )


def test_sarif_of_the_seed_reads_like_the_text(
    seed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, log = sarif(["input.yaml"], capsys)
    texts = [r["message"]["text"] for r in log["runs"][0]["results"]]
    findings = read(GOLDEN / "seed-positive1-yaml" / "findings.txt").splitlines()
    assert [f"{line.split(': ', 1)[1].rsplit(' [', 1)[0]}" for line in findings] == texts
