from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ecrfix.cli import main
from ecrfix.terminal import PROGRESS_MIN_FILES, Color, wants_colour, wants_progress

MUTABLE = (
    "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n"
    "    Properties:\n      ImageTagMutability: MUTABLE\n"
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
GREEN, RED = "\x1b[32m", "\x1b[31m"


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("choice", "tty", "env", "expected"),
    [
        (Color.auto, True, {}, True),
        (Color.auto, False, {}, False),
        (Color.auto, True, {"NO_COLOR": "1"}, False),
        (Color.auto, True, {"NO_COLOR": ""}, True),  # no-color.org: only a non-empty value
        (Color.auto, True, {"TERM": "dumb"}, False),
        (Color.always, False, {"NO_COLOR": "1"}, True),  # the command line beats the environment
        (Color.never, True, {}, False),
    ],
)
def test_wants_colour(choice: Color, tty: bool, env: dict[str, str], expected: bool) -> None:
    assert wants_colour(choice, Stream(tty), env) is expected


MANY = PROGRESS_MIN_FILES + 1


@pytest.mark.parametrize(
    ("count", "document", "tty", "env", "expected"),
    [
        (MANY, False, True, {}, True),
        (PROGRESS_MIN_FILES, False, True, {}, False),
        (MANY, True, True, {}, False),  # json / sarif
        (MANY, False, False, {}, False),  # a pipe
        (MANY, False, True, {"CI": "true"}, False),
        (MANY, False, True, {"TERM": "dumb"}, False),
    ],
)
def test_wants_progress(
    count: int, document: bool, tty: bool, env: dict[str, str], expected: bool
) -> None:
    assert wants_progress(count, document, Stream(tty), env) is expected


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(MUTABLE)
    (tmp_path / "b.yaml").write_text(MUTABLE.replace("MUTABLE", "!Ref Mutability"))
    return tmp_path


@pytest.mark.parametrize("mode", ["--check", "--diff", "--write"])
def test_colour_only_adds_escapes(
    tree: Path, mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    plain_code = main([mode, "--color", "never", "a.yaml", "b.yaml"])
    plain = capsys.readouterr()
    (tree / "a.yaml").write_text(MUTABLE)
    assert main([mode, "--color", "always", "a.yaml", "b.yaml"]) == plain_code
    coloured = capsys.readouterr()
    assert ANSI.search(coloured.out + coloured.err)
    assert not ANSI.search(plain.out + plain.err)
    assert (ANSI.sub("", coloured.out), ANSI.sub("", coloured.err)) == (plain.out, plain.err)


def test_diff_colours(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--diff", "--color", "always", "a.yaml"])
    out = capsys.readouterr().out
    assert f"{RED}-      ImageTagMutability: MUTABLE\x1b[0m\n" in out
    assert f"{GREEN}+      ImageTagMutability: IMMUTABLE\x1b[0m\n" in out


def test_status_colours(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--check", "--color", "always", "a.yaml", "b.yaml"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("\x1b[1ma.yaml\x1b[0m:5:7: ")
    assert out[0].endswith("\x1b[33m[fixable]\x1b[0m")
    assert out[1].endswith("\x1b[1;31m[unfixable]\x1b[0m")


def test_no_colour_in_a_pipe_by_default(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--diff", "a.yaml"])  # capsys streams are not terminals
    assert not ANSI.search(capsys.readouterr().out)


def _modules_loaded(args: list[str], cwd: Path) -> str:
    code = (
        "import sys\nfrom ecrfix.cli import main\n"
        f"main({args!r})\n"
        "sys.__stdout__.write(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=False
    )
    return run.stdout.rsplit("\n", 1)[-1]


def test_rich_is_imported_only_for_colour(tree: Path) -> None:
    assert "rich" not in _modules_loaded(["--diff", "a.yaml"], tree).split()
    assert "rich" in _modules_loaded(["--diff", "--color", "always", "a.yaml"], tree).split()


def _stderr_on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    primary, secondary = pty.openpty()
    try:
        run = subprocess.run(
            [sys.executable, "-m", "ecrfix", *args],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=secondary,
            env={k: v for k, v in os.environ.items() if k != "CI"} | {"TERM": "xterm"} | env,
            check=False,
            timeout=120,
        )
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the terminal's other side is closed: everything is read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
    return run.returncode, b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def many(tmp_path: Path) -> Path:
    for i in range(MANY):
        (tmp_path / f"t{i:02}.yaml").write_text(MUTABLE)
    return tmp_path


def test_progress_bar_on_a_terminal(many: Path) -> None:
    code, err = _stderr_on_a_terminal(["--check", "."], many, {})
    assert code == 1
    assert f"{MANY}/{MANY}" in err and "checking" in err
    assert err.rstrip().endswith(
        f"would fix {MANY} repositories in {MANY} files ({MANY} files checked)"
    )


@pytest.mark.parametrize(
    ("args", "env"),
    [
        pytest.param(["--check", "."], {"CI": "true"}, id="in CI"),
        pytest.param(["--check", "--format", "json", "."], {}, id="json"),
        pytest.param(["--check", "--format", "sarif", "."], {}, id="sarif"),
    ],
)
def test_no_progress_bar(many: Path, args: list[str], env: dict[str, str]) -> None:
    code, err = _stderr_on_a_terminal(args, many, env)
    assert code == 1
    assert "checking" not in err
    assert err.replace("\r\n", "\n") == (
        f"would fix {MANY} repositories in {MANY} files ({MANY} files checked)\n"
    )
