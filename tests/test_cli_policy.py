"""The command line for the policy options: --unsafe-fixes, --strict, --show-suppressed and
configuration files, asserting exit code, stdout and stderr together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run_cli as run

EXCLUSION = (
    "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n"
    "      ImageTagMutability: {mode}\n"
    "      ImageTagMutabilityExclusionFilters:\n"
    "        - {{ImageTagMutabilityExclusionFilterType: WILDCARD, "
    "ImageTagMutabilityExclusionFilterValue: latest}}\n"
)
MUTABLE_EXCLUSION = EXCLUSION.format(mode="MUTABLE_WITH_EXCLUSION")
IMMUTABLE_EXCLUSION = EXCLUSION.format(mode="IMMUTABLE_WITH_EXCLUSION")
FIXED = (
    "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n"
    "      ImageTagMutability: IMMUTABLE\n"
)
SUPPRESSED = (
    "Resources:\n  Mirror:  # ecrfix: ignore pull-through cache\n    Type: AWS::ECR::Repository\n"
)
UNSAFE_LINE = (
    "t.yaml:5:7: Repo (AWS::ECR::Repository): ImageTagMutability is '{mode}', expected "
    "IMMUTABLE: unsafe fix: run with --unsafe-fixes [unfixable]\n"
)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_unsafe_fix_is_reported_not_applied(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "t.yaml").write_text(MUTABLE_EXCLUSION)
    line = UNSAFE_LINE.format(mode="MUTABLE_WITH_EXCLUSION")
    assert run(["--check", "t.yaml"], capsys) == (
        1,
        line,
        "would fix 0 repositories in 0 files, 1 left for review (1 file checked)\n",
    )
    assert run(["--write", "t.yaml"], capsys) == (
        1,
        line,
        "0 repositories fixed in 0 files, 1 left for review (1 file checked)\n",
    )
    assert (here / "t.yaml").read_text() == MUTABLE_EXCLUSION


def test_unsafe_fixes_applies_it(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "t.yaml").write_text(MUTABLE_EXCLUSION)
    code, out, err = run(["--write", "--unsafe-fixes", "t.yaml"], capsys)
    assert (code, err) == (0, "1 repository fixed in 1 file (1 file checked)\n")
    assert out.endswith("[fixed]\n")
    assert (here / "t.yaml").read_text() == FIXED
    assert run(["--check", "t.yaml"], capsys)[0] == 0


def test_strict(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "t.yaml").write_text(IMMUTABLE_EXCLUSION)
    assert run(["--check", "t.yaml"], capsys)[:2] == (0, "")
    assert run(["--check", "--strict", "t.yaml"], capsys)[:2] == (
        1,
        UNSAFE_LINE.format(mode="IMMUTABLE_WITH_EXCLUSION"),
    )
    code, out, _ = run(["--diff", "--strict", "--unsafe-fixes", "t.yaml"], capsys)
    assert code == 1
    assert "-      ImageTagMutabilityExclusionFilters:\n" in out
    assert (here / "t.yaml").read_text() == IMMUTABLE_EXCLUSION


def test_suppressed_is_hidden_unless_asked(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "t.yaml").write_text(SUPPRESSED)
    summary = "would fix 0 repositories in 0 files, 1 suppressed (1 file checked)\n"
    assert run(["--check", "t.yaml"], capsys) == (0, "", summary)
    assert run(["--check", "--show-suppressed", "t.yaml"], capsys) == (
        0,
        "t.yaml:2:3: Mirror (AWS::ECR::Repository): ImageTagMutability is missing, expected "
        "IMMUTABLE: '# ecrfix: ignore' on line 2: pull-through cache [suppressed]\n",
        summary,
    )
    assert run(["--write", "t.yaml"], capsys)[0] == 0
    assert (here / "t.yaml").read_text() == SUPPRESSED


def test_suppressed_is_always_in_json(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "t.yaml").write_text(SUPPRESSED)
    code, out, _ = run(["--check", "--format", "json", "t.yaml"], capsys)
    assert code == 0
    (finding,) = json.loads(out)["findings"]
    assert (finding["status"], finding["reason"]) == (
        "suppressed",
        "'# ecrfix: ignore' on line 2: pull-through cache",
    )


def test_configuration_and_flags(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "t.yaml").write_text(IMMUTABLE_EXCLUSION)
    (here / "pyproject.toml").write_text("[tool.ecrfix]\nstrict = true\nunsafe-fixes = true\n")
    assert run(["--check", "t.yaml"], capsys)[:2] == (
        1,
        "t.yaml:5:7: Repo (AWS::ECR::Repository): ImageTagMutability is "
        "'IMMUTABLE_WITH_EXCLUSION', expected IMMUTABLE [fixable]\n",
    )
    assert run(["--check", "--no-strict", "t.yaml"], capsys)[:2] == (0, "")
    assert run(["--check", "--no-unsafe-fixes", "t.yaml"], capsys)[:2] == (
        1,
        UNSAFE_LINE.format(mode="IMMUTABLE_WITH_EXCLUSION"),
    )
    (here / "other.toml").write_text("strict = false\n")
    assert run(["--check", "--config", "other.toml", "t.yaml"], capsys)[:2] == (0, "")


def test_configuration_found_from_a_subfolder(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / ".ecrfix.toml").write_text('strict = true\nexclude = ["vendor"]\n')
    (here / "stacks" / "vendor").mkdir(parents=True)
    (here / "stacks" / "t.yaml").write_text(IMMUTABLE_EXCLUSION)
    (here / "stacks" / "vendor" / "v.yaml").write_text(IMMUTABLE_EXCLUSION)
    monkeypatch.chdir(here / "stacks")
    code, out, err = run(["--check", "."], capsys)
    assert (code, out.count("\n"), out.startswith("t.yaml:5:7:")) == (1, 1, True)
    assert err.endswith("(1 file checked)\n")
    # a file named on the command line is checked even when excluded
    assert run(["--check", "vendor/v.yaml"], capsys)[0] == 1


def test_resource_types(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "t.yaml").write_text(
        "Resources:\n  T:\n    Type: AWS::ECR::RepositoryCreationTemplate\n"
        "    Properties: {Prefix: p, AppliedFor: [REPLICATION]}\n"
    )
    assert run(["--check", "t.yaml"], capsys)[0] == 1
    (here / ".ecrfix.toml").write_text('resource-types = ["AWS::ECR::Repository"]\n')
    assert run(["--check", "t.yaml"], capsys)[:2] == (0, "")


def test_bad_configuration_is_a_usage_error(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "t.yaml").write_text(FIXED)
    (here / "pyproject.toml").write_text("[tool.ecrfix]\nstrict = 'yes'\n")
    assert run(["--check", "t.yaml"], capsys) == (
        2,
        "",
        "ecrfix: error: pyproject.toml: [tool.ecrfix] 'strict' must be true or false\n",
    )
