"""Killed or interrupted in the middle of a large `--write`, ecrfix leaves every file either
as it was or fully fixed: never partial, never empty."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecrfix import command
from ecrfix.cli import main

from .conftest import GOLDEN

TREE_SIZE = 2_000
KILL_POINTS = 12
TEMP_NAME = re.compile(r"\.ecrfix-\d+-\w+\.tmp")


def _make_tree(root: Path) -> dict[Path, tuple[bytes, bytes]]:
    """TREE_SIZE templates copied from the golden inputs, 100 to a folder, each with its
    original bytes and the bytes `--write` must turn it into."""
    cases = sorted(c for c in GOLDEN.iterdir() if c.is_dir() and not (c / "flags").exists())
    versions = []
    for case in cases:
        (source,) = case.glob("input.*")
        fixed = case / source.name.replace("input", "expected")
        original = source.read_bytes()
        versions.append(
            (source.suffix, original, fixed.read_bytes() if fixed.exists() else original)
        )
    tree = {}
    for i in range(TREE_SIZE):
        suffix, original, fixed = versions[i % len(versions)]
        path = root / f"stack-{i // 100:02d}" / f"t{i:04d}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(original)
        tree[path] = (original, fixed)
    return tree


def _state(root: Path, tree: dict[Path, tuple[bytes, bytes]]) -> tuple[int, list[str]]:
    """How many files are fixed, and the temporary files left; fails on any other content."""
    fixed = 0
    for path, (original, expected) in tree.items():
        content = path.read_bytes()
        assert content in (original, expected), f"{path} is neither original nor fixed"
        fixed += content != original
    others = {p for p in root.rglob("*") if p.is_file()} - set(tree)
    temporaries = sorted(p.name for p in others)
    assert all(TEMP_NAME.fullmatch(name) for name in temporaries), temporaries
    return fixed, temporaries


def _start(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ecrfix", "--write", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until_fixed(child: subprocess.Popen[str], path: Path, original: bytes) -> None:
    while path.read_bytes() == original:
        assert child.poll() is None, "the run ended before the kill point"
        time.sleep(0.001)


def _wait_for_a_temporary(
    child: subprocess.Popen[str], folder: Path, tree: dict[Path, tuple[bytes, bytes]]
) -> None:
    """Until a temporary file shows in `folder`: a write is under way, between the
    temporary file's creation and its rename; or until the folder is done."""
    last = max(p for p in tree if p.parent == folder)
    while not any(name.startswith(".ecrfix-") for name in os.listdir(folder)):
        assert child.poll() is None, "the run ended before the kill point"
        if last.read_bytes() != tree[last][0]:
            return


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    tree = _make_tree(tmp_path)
    order = list(tree)  # ecrfix goes through the files in this order
    to_fix = {path for path, (original, fixed) in tree.items() if original != fixed}
    rng = random.Random(8)
    # Two kills while the run starts up and walks the tree; then kills just after the
    # write of a file picked at random (a random few milliseconds late, so as to land
    # anywhere in the next writes), or as soon as a temporary file shows in a folder
    # picked at random (in the middle of a write), in the order the run meets them.
    after = rng.sample(sorted(order.index(p) for p in to_fix), KILL_POINTS - 5)
    during = [100 * folder for folder in rng.sample(range(TREE_SIZE // 100), 3)]
    points = sorted([(i, "after") for i in after] + [(i, "during") for i in during])
    progress = []
    for position, kind in [(0, "startup"), (0, "startup"), *points]:
        child = _start(tmp_path)
        if kind == "startup":
            time.sleep(rng.uniform(0.05, 0.25))
        elif kind == "during":
            _wait_for_a_temporary(child, order[position].parent, tree)
        else:
            _wait_until_fixed(child, order[position], tree[order[position]][0])
            time.sleep(rng.uniform(0, 0.005))
        child.send_signal(signal.SIGKILL)
        # returns once the workers, which share its output, have seen it die and exited
        child.communicate(timeout=120)
        assert child.returncode == -signal.SIGKILL
        progress.append(_state(tmp_path, tree))
    done = _start(tmp_path)
    _, err = done.communicate()
    assert done.returncode == 1, err  # some golden cases are left for review
    assert _state(tmp_path, tree) == (len(to_fix), [])
    print(f"\n{KILL_POINTS} SIGKILLs; files fixed and temporary files left: {progress}")
    fixed_counts = [fixed for fixed, _ in progress]
    assert fixed_counts == sorted(fixed_counts) and fixed_counts[-1] < len(to_fix)


@pytest.mark.slow
def test_sigint_stops_after_the_file_in_progress(tmp_path: Path) -> None:
    tree = _make_tree(tmp_path)
    first = min(tree)
    child = _start(tmp_path)
    while first.read_bytes() == tree[first][0]:  # wait for the writes to begin
        assert child.poll() is None
        time.sleep(0.005)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate()
    assert child.returncode == 130, err
    fixed, temporaries = _state(tmp_path, tree)
    assert temporaries == []
    summary, note = err.splitlines()[-2:]
    stopped = re.fullmatch(
        rf"ecrfix: interrupted: stopped after (\d+) of {TREE_SIZE} files; "
        "the others were not read",
        note,
    )
    assert stopped is not None, err
    assert 0 < int(stopped[1]) < TREE_SIZE
    assert summary.endswith(f"({stopped[1]} files checked)")
    # what was printed is exactly what was done
    reported = {line.split(":")[0] for line in out.splitlines() if line.endswith("[fixed]")}
    changed = {str(p) for p, (original, _) in tree.items() if p.read_bytes() != original}
    assert reported == changed and len(changed) == fixed > 0


def test_ctrl_c_lets_the_file_in_progress_finish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "Resources:\n  R:\n    Type: AWS::ECR::Repository\n"
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        Path(name).write_text(text)
    real_process = command.process

    def process_with_ctrl_c_on_b(target: command.Target, *args: object) -> command.FileReport:
        if target.path == "b.yaml":
            os.kill(os.getpid(), signal.SIGINT)  # arrives while b.yaml is in hand
        return real_process(target, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(command, "process", process_with_ctrl_c_on_b)
    code = main(["--write", "."])
    out, err = capsys.readouterr()
    assert code == 130
    assert [line.split(":")[0] for line in out.splitlines()] == ["a.yaml", "b.yaml"]
    assert err == (
        "2 repositories fixed in 2 files (2 files checked)\n"
        "ecrfix: interrupted: stopped after 2 of 3 files; the others were not read\n"
    )
    assert Path("c.yaml").read_text() == text
    assert Path("b.yaml").read_text() != text
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
