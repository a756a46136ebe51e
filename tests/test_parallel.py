from __future__ import annotations

import filecmp
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ecrfix import parallel
from ecrfix.model import DELETE, Change, Settings
from ecrfix.run import STDIN, FileReport, Mode, Target, process

from .conftest import GOLDEN, ROOT
from .conftest import run_cli as _run


def _tree(root: Path, templates: int) -> Path:
    """A generated monorepo plus every golden input, so that findings of all kinds show up."""
    script = ROOT / "benchmarks" / "generate.py"
    argv = [sys.executable, str(script), "tree", str(root), "--templates", str(templates)]
    subprocess.run(argv, check=True, capture_output=True)
    for case in sorted(GOLDEN.iterdir()):
        for source in case.glob("input.*"):
            shutil.copy(source, root / f"{case.name}{source.suffix}")
    repo = "Resources:\n  R:\n    Type: AWS::ECR::Repository\n"
    (root / "broken.yaml").write_text(repo + "  - x\n")
    (root / "intrinsic.yaml").write_text(
        repo + "    Properties:\n      ImageTagMutability: !Ref M\n"
    )
    return root


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times worker processes were started, and how many each time."""
    started: list[int] = []
    real = parallel._Dispatcher.run

    def counting(self: parallel._Dispatcher, workers: int) -> list[FileReport]:
        started.append(workers)
        return real(self, workers)

    monkeypatch.setattr(parallel._Dispatcher, "run", counting)
    return started


@pytest.mark.parametrize("mode", ["--check", "--diff"])
def test_two_jobs_print_exactly_what_one_job_prints(
    tmp_path: Path, mode: str, spy: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    tree = _tree(tmp_path / "tree", 120)
    one = _run([mode, "--jobs", "1", str(tree)], capsys)
    assert spy == []
    two = _run([mode, "--jobs", "2", str(tree)], capsys)
    assert spy == [1]  # one worker beside this process
    assert two == one
    assert one[0] == 2  # findings and the broken file
    assert "broken.yaml:4: error" in one[2] and "[unfixable]" in one[1] + one[2]
    assert one[1].count("[fixable]" if mode == "--check" else "+++ b/") > 15


def test_two_jobs_write_exactly_what_one_job_writes(
    tmp_path: Path, spy: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    tree = _tree(tmp_path / "one", 120)
    shutil.copytree(tree, tmp_path / "two")
    one = _run(["--write", "-j", "1", str(tmp_path / "one")], capsys)
    two = _run(["--write", "-j", "2", str(tmp_path / "two")], capsys)
    assert spy == [1]
    assert two[0] == one[0] and two[1:] == tuple(
        text.replace(str(tmp_path / "one"), str(tmp_path / "two")) for text in one[1:]
    )
    compared = filecmp.dircmp(tmp_path / "one", tmp_path / "two")
    assert not compared.diff_files and not compared.left_only and not compared.right_only
    assert "[fixed]" in one[1]


def test_few_files_start_no_workers(
    tmp_path: Path, spy: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    tree = _tree(tmp_path / "tree", 2)
    assert len(list(tree.rglob("*.*"))) < 2 * parallel.MIN_FILES_PER_PROCESS
    assert _run(["--check", "-j", "2", str(tree)], capsys)[0] == 2
    assert spy == []


def _pid_report(target: Target) -> FileReport:
    return FileReport(target.path, [], note=str(os.getpid()))


TEST_PROCESS = os.getpid()


def _failing(target: Target) -> FileReport:
    if os.getpid() != TEST_PROCESS:
        raise KeyError(target.path)
    return FileReport(target.path, [])


def test_results_keep_the_order_and_stdin_stays_in_this_process() -> None:
    paths = [f"f{i}" for i in range(150)]
    paths.insert(77, STDIN)
    reports = parallel.process_all((Target(p, False) for p in paths), _pid_report, jobs=2)
    assert [r.path for r in reports] == paths
    pids = {r.path: int(r.note) for r in reports}
    assert pids.pop(STDIN) == os.getpid()
    # two processes: this one, which also hands out the files, and one worker
    assert len(set(pids.values())) == 2 and os.getpid() in pids.values()


def test_a_failing_worker_fails_the_run() -> None:
    targets = [Target(f"f{i}", False) for i in range(100)]
    with pytest.raises(parallel.WorkerFailed, match="KeyError: 'f"):
        parallel.process_all(targets, _failing, jobs=2)


def test_reports_survive_pickling(tmp_path: Path) -> None:
    for case in sorted(GOLDEN.iterdir()):
        for source in case.glob("input.*"):
            copy = tmp_path / f"{case.name}{source.suffix}"
            shutil.copy(source, copy)
            for mode in Mode:
                report = process(Target(str(copy), True), Settings(), mode)
                assert pickle.loads(pickle.dumps(report)) == report
    change = Change((0, "Resources", "Repo", "Properties", "X"), DELETE)
    assert pickle.loads(pickle.dumps(change)).value is DELETE
