from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from ecrfix import QUERY_ID

from .conftest import GOLDEN
from .conftest import run_cli as run

MUTABLE = (
    "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n"
    "    Properties:\n      ImageTagMutability: MUTABLE\n"
)
FIXED = MUTABLE.replace("MUTABLE\n", "IMMUTABLE\n")
CLEAN = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
BROKEN = "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties: [unclosed\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(MUTABLE)
    (tmp_path / "b.yaml").write_text(CLEAN)
    return tmp_path


def test_check_reports_and_exits_1(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--check", "a.yaml", "b.yaml"], capsys)
    assert (code, out) == (
        1,
        "a.yaml:5:7: Repo (AWS::ECR::Repository): ImageTagMutability is 'MUTABLE', "
        "expected IMMUTABLE [fixable]\n",
    )
    assert err == "would fix 1 repository in 1 file (2 files checked)\n"
    assert (tree / "a.yaml").read_text() == MUTABLE


def test_no_mode_flag_means_check(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["a.yaml"], capsys)
    assert code == 1 and "[fixable]" in out
    assert (tree / "a.yaml").read_text() == MUTABLE


def test_check_clean_exits_0(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--check", "b.yaml"], capsys) == (
        0,
        "",
        "would fix 0 repositories in 0 files (1 file checked)\n",
    )


def test_diff_prints_git_style_diff(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--diff", "."], capsys)
    assert code == 1
    assert out == (
        "--- a/a.yaml\n+++ b/a.yaml\n@@ -2,4 +2,4 @@\n   Repo:\n"
        "     Type: AWS::ECR::Repository\n     Properties:\n"
        "-      ImageTagMutability: MUTABLE\n+      ImageTagMutability: IMMUTABLE\n"
    )
    assert err == "would fix 1 repository in 1 file (2 files checked)\n"
    assert (tree / "a.yaml").read_text() == MUTABLE


def test_write_fixes_in_place_then_check_passes(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["--write", "."], capsys)
    assert code == 0
    assert out.endswith("[fixed]\n") and out.count("\n") == 1
    assert err == "1 repository fixed in 1 file (2 files checked)\n"
    assert (tree / "a.yaml").read_text() == FIXED
    assert run(["--check", "."], capsys)[0] == 0
    assert run(["--write", "."], capsys)[:2] == (0, "")


def test_modes_are_exclusive(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--check", "--write", "a.yaml"], capsys)
    assert (code, out) == (2, "")
    assert "mutually exclusive" in err
    assert (tree / "a.yaml").read_text() == MUTABLE


def test_unknown_option_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--bogus"], capsys)
    assert (code, out) == (2, "")
    assert "No such option" in err


def test_unparsable_file_next_to_good_one(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "broken.yaml").write_text(BROKEN)
    code, out, err = run(["--write", "."], capsys)
    assert code == 2
    assert out.endswith("[fixed]\n")
    assert "broken.yaml:5: error: invalid YAML/JSON" in err
    assert (tree / "a.yaml").read_text() == FIXED
    assert (tree / "broken.yaml").read_text() == BROKEN


def test_missing_path_is_an_error(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--check", "nope.yaml", "a.yaml"], capsys)
    assert code == 2
    assert "[fixable]" in out
    assert "nope.yaml: error: no such file or folder\n" in err


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))


def test_stdin_write_prints_fixed_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, MUTABLE)
    code, out, err = run(["--write", "-"], capsys)
    assert (code, out) == (0, FIXED)
    assert "-:5:7: Repo" in err and "[fixed]" in err


def test_stdin_clean_write_echoes_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, CLEAN)
    assert run(["--write", "-"], capsys)[:2] == (0, CLEAN)


def test_stdin_diff_uses_stdin_filename(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, MUTABLE)
    code, out, _ = run(["--diff", "--stdin-filename", "t.yaml", "-"], capsys)
    assert code == 1
    assert out.startswith("--- a/t.yaml\n+++ b/t.yaml\n")


def test_json_document(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "broken.yaml").write_text(BROKEN)
    code, out, _ = run(["--check", "--format", "json", "."], capsys)
    assert code == 2
    doc = json.loads(out)
    assert list(doc) == ["version", "findings", "errors", "summary"]
    (finding,) = doc["findings"]
    assert finding | {"message": None} == {
        "file": "a.yaml",
        "line": 5,
        "column": 7,
        "resource": "Repo",
        "resource_type": "AWS::ECR::Repository",
        "issue_type": "IncorrectValue",
        "actual_value": "'MUTABLE'",
        "expected_value": "IMMUTABLE",
        "status": "fixable",
        "reason": "",
        "message": None,
        "query_id": QUERY_ID,
        "severity": "MEDIUM",
        "edits": [
            {
                "start_line": 5,
                "start_column": 27,
                "end_line": 5,
                "end_column": 34,
                "new_text": "IMMUTABLE",
            }
        ],
    }
    assert doc["errors"] == [
        {"file": "broken.yaml", "line": 5, "message": doc["errors"][0]["message"]}
    ]
    assert doc["summary"]["fixable"] == 1


def test_seed_json_matches_kics_expected_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for case in (
        "seed-positive1-yaml",
        "seed-positive2-json",
        "seed-negative1-yaml",
        "seed-negative2-json",
    ):
        (src,) = (GOLDEN / case).glob("input.*")
        shutil.copy(src, tmp_path / case.replace("seed-", "").replace("-", ".", 1))
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["--format", "json", "."], capsys)
    assert code == 1
    got = {
        (f["file"], f["line"], f["resource"], f["issue_type"]) for f in json.loads(out)["findings"]
    }
    assert got == {
        ("positive1.yaml", 5, "MyRepository3", "IncorrectValue"),
        ("positive1.yaml", 27, "MyRepository4", "MissingAttribute"),
        ("positive2.json", 6, "MyRepository5", "IncorrectValue"),
        ("positive2.json", 36, "MyRepository6", "MissingAttribute"),
    }


def test_stdin_write_with_stdin_filename_prints_fixed_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, MUTABLE)
    code, out, err = run(["--write", "--stdin-filename", "stack.yaml", "-"], capsys)
    assert (code, out) == (0, FIXED)
    assert "stack.yaml:5:7: Repo" in err


def test_stdin_write_json_keeps_stdout_for_the_template(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, MUTABLE)
    code, out, err = run(["--write", "--format", "json", "-"], capsys)
    assert (code, out) == (0, FIXED)
    assert json.loads(err[: err.rindex("}") + 1])["findings"][0]["status"] == "fixed"


def test_check_reports_unfixable_when_the_fix_would_reach_another_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(GOLDEN / "anchor-shared-with-other-resource" / "input.yaml", "t.yaml")
    code, out, _ = run(["--check", "t.yaml"], capsys)
    assert code == 1
    assert out.endswith("[unfixable]\n") and "would also change" in out
    assert run(["--write", "t.yaml"], capsys)[1] == out


def test_closed_pipe_is_no_traceback(tmp_path: Path) -> None:
    import subprocess

    for i in range(400):  # more diff than a pipe holds, so that writing meets the closed end
        (tmp_path / f"t{i}.yaml").write_text(MUTABLE)
    child = subprocess.Popen(
        [sys.executable, "-m", "ecrfix", "--diff", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.read(10)
    child.stdout.close()  # as `| head -c 10` does
    err = child.stderr.read().decode()
    assert child.wait(timeout=60) == 1
    assert "Traceback" not in err
