"""ecrfix as other tools run it: `python -m`, shell completion, pre-commit, the GitHub Action."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from ecrfix import __version__

from .conftest import GOLDEN, ROOT
from .textpos import read

SEED = GOLDEN / "seed-positive1-yaml"
GIT = ["git", "-c", "user.name=ecrfix tests", "-c", "user.email=tests@ecrfix.invalid"]


def ecrfix(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecrfix", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_python_m_ecrfix(tmp_path: Path) -> None:
    shutil.copy(SEED / "input.yaml", tmp_path / "stack.yaml")
    run = ecrfix("--check", "stack.yaml", cwd=tmp_path)
    expected = [f"stack.yaml:{line}" for line in read(SEED / "findings.txt").splitlines()]
    assert (run.returncode, run.stdout.splitlines()) == (1, expected)
    assert run.stderr == "would fix 2 repositories in 1 file (1 file checked)\n"


def test_version(tmp_path: Path) -> None:
    run = ecrfix("--version", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (0, f"ecrfix {__version__}\n")


def test_shell_completion(tmp_path: Path) -> None:
    helped = ecrfix("--help", cwd=tmp_path)
    assert "--install-completion" in helped.stdout and "--show-completion" in helped.stdout
    script = ecrfix("--show-completion", "bash", cwd=tmp_path)
    assert "complete -o default -F _ecrfix_completion ecrfix" in script.stdout
    env = os.environ | {
        "_ECRFIX_COMPLETE": "complete_bash",
        "COMP_WORDS": "ecrfix --format ",
        "COMP_CWORD": "2",
    }
    completed = ecrfix(cwd=tmp_path, env=env)
    assert completed.stdout.split() == ["text", "json", "sarif", "github"]


# --- the GitHub Action -------------------------------------------------------------------------

ACTION = ROOT / "action.yml"
FAKE_ECRFIX = '#!/bin/sh\nfor arg in "$@"; do echo "arg:$arg"; done\nexit "${FAKE_EXIT:-0}"\n'


def _action() -> Any:
    return YAML(typ="safe").load(ACTION.read_text())


def _step(name: str) -> dict[str, Any]:
    (step,) = [s for s in _action()["runs"]["steps"] if s["name"] == name]
    return dict(step)


def test_action_declares_its_inputs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert {k: v.get("default") for k, v in action["inputs"].items()} == {
        "paths": ".",
        "mode": "check",
        "format": "",
        "output": "",
    }
    install = _step("Install ecrfix")
    assert '"$GITHUB_ACTION_PATH"' in install["run"]  # the action installs its own checkout
    run = _step("Run ecrfix")
    # inputs reach the script only through the environment: nothing can inject shell code
    assert "${{" not in run["run"]
    assert run["env"] == {
        "ECRFIX_PATHS": "${{ inputs.paths }}",
        "ECRFIX_MODE": "${{ inputs.mode }}",
        "ECRFIX_FORMAT": "${{ inputs.format }}",
        "ECRFIX_OUTPUT": "${{ inputs.output }}",
    }
    assert all(step["shell"] == "bash" for step in action["runs"]["steps"])


def _run_step(
    tmp_path: Path, paths: str, mode: str, fmt: str = "", output: str = "", exit_code: int = 0
) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "ecrfix"
    fake.write_text(FAKE_ECRFIX)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "ECRFIX_PATHS": paths,
        "ECRFIX_MODE": mode,
        "ECRFIX_FORMAT": fmt,
        "ECRFIX_OUTPUT": output,
        "FAKE_EXIT": str(exit_code),
    }
    return _bash_step("Run ecrfix", tmp_path, env)


def _bash_step(name: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = cwd / "step.sh"
    script.write_text(_step(name)["run"])
    # the shell GitHub runs a `shell: bash` step with
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.mark.parametrize(
    ("paths", "mode", "fmt", "argv"),
    [
        (".", "check", "", ["--check", "--", "."]),
        ("templates/ stack.yaml", "diff", "", ["--diff", "--", "templates/", "stack.yaml"]),
        (
            "a.yaml\n  b dir/*.yml\n",
            "write",
            "github",
            ["--write", "--format", "github", "--", "a.yaml", "b", "dir/*.yml"],
        ),
        ("", "check", "sarif", ["--check", "--format", "sarif", "--"]),
        ("-x.yaml", "check", "json", ["--check", "--format", "json", "--", "-x.yaml"]),
    ],
)
def test_action_command_line(
    tmp_path: Path, paths: str, mode: str, fmt: str, argv: list[str]
) -> None:
    run = _run_step(tmp_path, paths, mode, fmt)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.splitlines() == [f"arg:{a}" for a in argv]


def test_action_output_file_and_exit_code(tmp_path: Path) -> None:
    run = _run_step(tmp_path, ".", "check", "sarif", output="ecrfix.sarif", exit_code=1)
    assert (run.returncode, run.stdout) == (1, "")
    assert (tmp_path / "ecrfix.sarif").read_text().splitlines() == [
        "arg:--check",
        "arg:--format",
        "arg:sarif",
        "arg:--",
        "arg:.",
    ]


def test_action_rejects_an_unknown_mode(tmp_path: Path) -> None:
    run = _run_step(tmp_path, ".", "fix")
    assert run.returncode == 2
    assert run.stdout == "::error title=ecrfix::mode must be check, diff or write, not 'fix'\n"


# --- for real: pre-commit and the Action's install step, on a snapshot of this checkout ---------


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's files as they are now (committed or not), committed in a new repository.

    `pre-commit try-repo` takes uncommitted edits but not new files, and the action is
    installed from a folder: both get exactly the working tree this way.
    """
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.skip(f"{ROOT} is not a git checkout")
    snap = tmp_path_factory.mktemp("ecrfix-snapshot")
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (snap / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snap / name)
    subprocess.run(["git", "init", "-q"], cwd=snap, check=True)
    subprocess.run(["git", "add", "-A"], cwd=snap, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "snapshot"], cwd=snap, check=True)
    return snap


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("pre_commit", reason="pre-commit is in the test extra")
    return tmp_path_factory.mktemp("pre-commit-home")


def _project(folder: Path) -> Path:
    folder.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    shutil.copy(SEED / "input.yaml", folder / "stack.yaml")
    (folder / "notes.txt").write_text("AWS::ECR::Repository, not a template\n")
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "init"], cwd=folder, check=True)
    return folder


def _try_repo(snapshot: Path, home: Path, hook: str, project: Path) -> tuple[int, str]:
    env = os.environ | {"PRE_COMMIT_HOME": str(home)}
    args = ["try-repo", str(snapshot), hook, "--all-files", "--color", "never"]
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    output = run.stdout + run.stderr
    print(f"$ pre-commit {' '.join(args)}  # exit {run.returncode}\n{output}")
    return run.returncode, output


@pytest.mark.slow
def test_pre_commit_hooks(snapshot: Path, pre_commit_home: Path, tmp_path: Path) -> None:
    fixing = _project(tmp_path / "fixing")
    code, output = _try_repo(snapshot, pre_commit_home, "ecrfix", fixing)
    assert code == 1, output
    assert "- hook id: ecrfix\n- files were modified by this hook" in output
    assert "stack.yaml:27:5: MyRepository4 (AWS::ECR::Repository)" in output
    assert read(fixing / "stack.yaml") == read(SEED / "expected.yaml")
    code, output = _try_repo(snapshot, pre_commit_home, "ecrfix", fixing)
    assert code == 0 and "Passed" in output, output

    checking = _project(tmp_path / "checking")
    code, output = _try_repo(snapshot, pre_commit_home, "ecrfix-check", checking)
    assert code == 1, output
    assert "- hook id: ecrfix-check\n- exit code: 1" in output
    assert "stack.yaml:5:7: MyRepository3 (AWS::ECR::Repository)" in output
    assert read(checking / "stack.yaml") == read(SEED / "input.yaml")


@pytest.mark.slow
def test_action_installs_and_fixes(snapshot: Path, tmp_path: Path) -> None:
    shutil.copy(SEED / "input.yaml", tmp_path / "stack.yaml")
    github_path = tmp_path / "github_path"
    github_path.write_text("")
    env = os.environ | {
        "RUNNER_TEMP": str(tmp_path / "runner"),
        "GITHUB_ACTION_PATH": str(snapshot),
        "GITHUB_PATH": str(github_path),
    }
    (tmp_path / "runner").mkdir()
    install = _bash_step("Install ecrfix", tmp_path, env)
    assert install.returncode == 0, install.stdout + install.stderr
    added = github_path.read_text().split()
    assert added == [str(tmp_path / "runner" / "ecrfix-venv" / "bin")]
    env |= {
        "PATH": os.pathsep.join([*added, env["PATH"]]),
        "ECRFIX_PATHS": "stack.yaml",
        "ECRFIX_MODE": "write",
        "ECRFIX_FORMAT": "github",
        "ECRFIX_OUTPUT": "",
    }
    run = _bash_step("Run ecrfix", tmp_path, env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("::notice file=stack.yaml,line=5,col=7,")
    assert read(tmp_path / "stack.yaml") == read(SEED / "expected.yaml")
