from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecrfix.run import STDIN, FileError, Target, collect, iter_targets

TEMPLATE = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("a.yaml", "sub/b.json", "sub/deep/c.yml", "ignored/d.yaml", "other/e.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(TEMPLATE)
    (tmp_path / "notes.txt").write_text("not a template")
    (tmp_path / ".gitignore").write_text("ignored/\n")
    (tmp_path / "sub" / "link.yaml").symlink_to(tmp_path / "a.yaml")  # the same file again
    (tmp_path / "linked").symlink_to(tmp_path / "other", target_is_directory=True)
    return tmp_path


def test_each_file_once_in_walk_order(tree: Path) -> None:
    targets, errors = collect([".", "sub", "a.yaml", str(tree / "sub" / "b.json"), "-"])
    assert targets == [
        Target("a.yaml", False),
        Target("other/e.yaml", False),
        Target("sub/b.json", False),
        Target("sub/deep/c.yml", False),
        Target(STDIN, True),
    ]
    assert errors == []


def test_a_symlinked_file_outside_the_walk_is_a_note_once(tree: Path) -> None:
    targets, _ = collect(["sub", "a.yaml"])
    # its target lies outside the folder walked: a note, and the file under its own name
    assert [t.path for t in targets] == ["sub/b.json", "sub/deep/c.yml", "sub/link.yaml", "a.yaml"]
    assert targets[2].skipped.startswith("symbolic link to a file outside the folder walked")
    targets, _ = collect(["a.yaml", "sub"])
    assert [t.path for t in targets] == ["a.yaml", "sub/b.json", "sub/deep/c.yml"]


def test_folders_given_by_other_names_are_walked_once(tree: Path) -> None:
    os.symlink(tree / "sub", tree / "alias")
    targets, _ = collect([str(tree / "sub"), "alias", "./sub/", "sub/deep"])
    assert [Path(t.path).name for t in targets] == ["b.json", "c.yml", "link.yaml"]


def test_the_walk_is_lazy_and_errors_come_with_it(tree: Path) -> None:
    errors: list[FileError] = []
    found = iter_targets(["a.yaml", "missing.yaml", "sub"], errors)
    assert next(found) == Target("a.yaml", True)
    assert errors == []
    assert [t.path for t in found] == ["sub/b.json", "sub/deep/c.yml"]
    assert errors == [FileError("missing.yaml", "no such file or folder")]
