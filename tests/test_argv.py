from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from ecrfix import cli
from ecrfix.argv import COMPLETION_VARIABLE, QuickOptions, quick_options

MUTABLE = (
    "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n"
    "    Properties:\n      ImageTagMutability: MUTABLE\n"
)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param([], {"paths": None}, id="nothing"),
        pytest.param(["--check", "a.yaml"], {"check": True, "paths": ["a.yaml"]}, id="check"),
        pytest.param(
            ["x", "--write", "--strict", "--unsafe-fixes", "y"],
            {"write": True, "strict": True, "unsafe_fixes": True, "paths": ["x", "y"]},
            id="flags between paths",
        ),
        pytest.param(["--diff", "-"], {"diff": True, "paths": ["-"]}, id="stdin"),
        pytest.param(["--jobs", "3", "."], {"jobs": 3, "paths": ["."]}, id="jobs"),
        pytest.param(["-j", "1"], {"jobs": 1, "paths": None}, id="short jobs"),
        pytest.param(["--jobs=12"], {"jobs": 12, "paths": None}, id="jobs with ="),
    ],
)
def test_usual_command_lines(args: list[str], expected: QuickOptions) -> None:
    assert quick_options(args) == expected


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--help"], id="help"),
        pytest.param(["--version"], id="version"),
        pytest.param(["--format", "json", "."], id="other option"),
        pytest.param(["--", "--check"], id="double dash"),
        pytest.param(["--jobs"], id="jobs without value"),
        pytest.param(["--jobs", "0"], id="jobs zero"),
        pytest.param(["--jobs", "two"], id="jobs not a number"),
        pytest.param(["-j2"], id="attached short value"),
        pytest.param(["--chek"], id="typo"),
    ],
)
def test_everything_else_goes_to_typer(args: list[str]) -> None:
    assert quick_options(args) is None


def test_shell_completion_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(COMPLETION_VARIABLE, "complete_bash")
    assert quick_options(["--check"]) is None


def _outcome(
    args: list[str], folder: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str, str]:
    folder.mkdir()
    (folder / "a.yaml").write_text(MUTABLE)
    (folder / "b.yaml").write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MUTABLE.encode())))
        code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err, (folder / "a.yaml").read_text()


@pytest.mark.parametrize(
    "args",
    [
        ["--check", "a.yaml", "b.yaml"],
        ["a.yaml"],
        ["--diff", "."],
        ["--write", "--jobs", "1", "."],
        ["--check", "--write", "a.yaml"],
        ["--check", "missing.yaml", "a.yaml"],
        ["--diff", "-"],
    ],
)
def test_quick_path_behaves_like_typer(
    args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "ecrfix.app", None)  # typer's front is not even imported
    quick = _outcome(args, tmp_path / "quick", capsys)
    monkeypatch.undo()
    monkeypatch.setattr(cli, "quick_options", lambda args: None)
    assert _outcome(args, tmp_path / "typer", capsys) == quick


def test_the_usual_command_lines_never_import_typer(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MUTABLE)
    code = (
        "import sys\n"
        "from ecrfix.cli import main\n"
        "status = main(['--check', '--jobs', '1', 'a.yaml'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click')))\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    assert done.stdout.startswith("a.yaml:5:")  # the finding, then the modules' list
