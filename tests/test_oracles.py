"""checkov and cfn-lint agree with ecrfix on corpus/ecr, before and after `ecrfix --write`.

Each scanner runs once per folder (the original copy, then the fixed one); the results are
shared by the tests through module-scoped fixtures.
"""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import NamedTuple

import pytest

from ecrfix.cli import main

from .conftest import shared_dir
from .corpus import copy_folder
from .oracles import CheckovResult, install_checkov, run_cfn_lint, run_checkov

SHIBBOLETH = "aws-samples__aws-refarch-shibboleth__templates__deployment-pipeline.yaml"
TEMPLATED = {
    "aws__copilot-cli__internal__pkg__template__templates__app__cf.yml",
    "aws__copilot-cli__internal__pkg__template__templates__task__cf.yml",
    "aws__copilot-cli__templates__app__versions__v0.0.0__cf.yml",
    "aws__copilot-cli__templates__app__versions__v1.0.0__cf.yml",
    "aws__copilot-cli__templates__app__versions__v1.0.1__cf.yml",
    "aws__copilot-cli__templates__project__cf.yml",
}
# Repositories ecrfix reports and checkov does not, and why. checkov's YAML loader refuses
# duplicate keys (two `Name` parameters, unrelated to the repository) and so skips the file;
# CloudFormation's rule "the last one applies" lets ecrfix check and fix it, with a warning.
ONLY_ECRFIX = {(SHIBBOLETH, "ECRRepo"): "checkov cannot parse the file (duplicate keys)"}
ONLY_CHECKOV: dict[tuple[str, str], str] = {}

pytestmark = pytest.mark.slow


class Folders(NamedTuple):
    original: Path
    fixed: Path
    findings: set[tuple[str, str]]  # what `ecrfix --check --format json` reports


def _ecrfix_json(argv: list[str]) -> tuple[int, dict[str, object]]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        code = main(argv)
    return code, json.loads(out.getvalue())


def _findings(report: dict[str, object]) -> set[tuple[str, str]]:
    found = report["findings"]
    assert isinstance(found, list)
    return {(Path(f["file"]).name, f["resource"]) for f in found}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> Folders:
    source = shared_dir("corpus", "ecr")
    base = tmp_path_factory.mktemp("oracles")
    original = copy_folder(source, base / "original" / "ecr")
    fixed = copy_folder(source, base / "fixed" / "ecr")
    code, report = _ecrfix_json(["--check", "--format", "json", str(original)])
    assert code == 2  # findings, and the templated files are errors
    assert main(["--write", str(fixed)]) == 2
    return Folders(original, fixed, _findings(report))


@pytest.fixture(scope="module")
def checkov_runs(folders: Folders) -> tuple[CheckovResult, CheckovResult]:
    exe = install_checkov()
    with ThreadPoolExecutor(2) as pool:  # one scanner process per core
        before, after = pool.map(lambda f: run_checkov(exe, f), (folders.original, folders.fixed))
    return before, after


def agreement_table(folders: Folders, runs: tuple[CheckovResult, CheckovResult]) -> str:
    before, after = runs
    code, report = _ecrfix_json(["--check", "--format", "json", str(folders.fixed)])
    assert code == 2
    rows = [
        ("before", folders.findings, before),
        ("after --write", _findings(report), after),
    ]
    lines = [
        "| corpus/ecr | ecrfix reports | checkov fails | both | only ecrfix | only checkov "
        "| checkov passes | checkov parse errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, ours, theirs in rows:
        counts = (
            len(ours),
            len(theirs.failed),
            len(ours & theirs.failed),
            len(ours - theirs.failed),
            len(theirs.failed - ours),
            len(theirs.passed),
            len(theirs.parse_errors),
        )
        lines.append(f"| {name} | " + " | ".join(map(str, counts)) + " |")
    return "\n".join(lines) + "\n"


def test_checkov_fails_what_ecrfix_reports(
    folders: Folders, checkov_runs: tuple[CheckovResult, CheckovResult]
) -> None:
    before, _ = checkov_runs
    assert folders.findings - before.failed == set(ONLY_ECRFIX)
    assert before.failed - folders.findings == set(ONLY_CHECKOV)
    assert before.parse_errors == TEMPLATED | {SHIBBOLETH}
    assert len(folders.findings) == 137


def test_checkov_fails_nothing_after_the_fix(
    folders: Folders, checkov_runs: tuple[CheckovResult, CheckovResult]
) -> None:
    before, after = checkov_runs
    assert after.failed == set()
    assert after.passed == before.passed | before.failed
    assert after.parse_errors == before.parse_errors


def test_agreement_table(
    folders: Folders,
    checkov_runs: tuple[CheckovResult, CheckovResult],
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = agreement_table(folders, checkov_runs)
    with capsys.disabled():
        print("\n" + table)
    assert table.splitlines()[2:] == [
        "| before | 137 | 136 | 136 | 1 | 0 | 11 | 7 |",
        "| after --write | 0 | 0 | 0 | 0 | 0 | 147 | 7 |",
    ]


def test_cfn_lint_finds_nothing_new_after_the_fix(folders: Folders) -> None:
    with ThreadPoolExecutor(2) as pool:
        before, after = pool.map(run_cfn_lint, (folders.original, folders.fixed))
    assert after - before == set()
    assert before - after == set()  # and ImageTagMutability fixes nothing cfn-lint checks
    assert any(level == "Error" for _, level, _, _ in before)
