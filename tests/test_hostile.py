"""Hostile and broken input through the command line: a clear message naming the file (and
the line when known), no traceback, no write, and the other files still processed."""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import pytest

from ecrfix.source import may_hold_ecr

from .conftest import ROOT, shared_dir
from .conftest import run_cli as _run

MUTABLE = (
    "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n"
    "    Properties:\n      ImageTagMutability: MUTABLE\n"
)
FIXED = MUTABLE.replace("MUTABLE\n", "IMMUTABLE\n")
REPO = "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n"


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n" + REPO + "    Metadata: *a9\n"


def _deep_flow(depth: int) -> str:
    return REPO + "    Metadata: " + "[" * depth + "]" * depth + "\n"


def _deep_json(depth: int, opener: str = '{"a": ', closer: str = "}") -> str:
    inner = opener * depth + "1" + closer * depth
    return '{"Resources": {"Repo": {"Type": "AWS::ECR::Repository", "Metadata": ' + inner + "}}}"


def _deep_block(depth: int) -> str:
    lines = [" " * (6 + i) + "a:" for i in range(depth)]
    return REPO + "    Metadata:\n" + "\n".join(lines) + " 1\n"


DEEP = "nesting is deeper than 200 levels"

# (id, file name, content, the message ecrfix prints on standard error for it)
ERRORS = [
    (
        "latin-1",
        "t.yaml",
        ("Description: caf\xe9\n" + MUTABLE).encode("latin-1"),
        "t.yaml:1: error: file is not valid UTF-8 (byte 0xe9); ecrfix reads UTF-8 only",
    ),
    (
        "windows-1252 further down",
        "t.yaml",
        (MUTABLE + "Outputs:\n  Q:\n    Value: \u201cquoted\u201d\n").encode("cp1252"),
        "t.yaml:8: error: file is not valid UTF-8 (byte 0x93); ecrfix reads UTF-8 only",
    ),
    (
        "utf-16 with a BOM",
        "t.yaml",
        MUTABLE.encode("utf-16"),
        "t.yaml:1: error: file is UTF-16 encoded; ecrfix reads UTF-8 only",
    ),
    (
        "utf-16 without a BOM",
        "t.yaml",
        MUTABLE.encode("utf-16-be"),
        "t.yaml:1: error: file contains a NUL byte (binary or UTF-16/32 file?)",
    ),
    (
        "utf-32",
        "t.json",
        json.dumps({"Resources": {"R": {"Type": "AWS::ECR::Repository"}}}).encode("utf-32-le"),
        "t.json:1: error: file contains a NUL byte (binary or UTF-16/32 file?)",
    ),
    (
        "binary",
        "t.yaml",
        bytes(range(1, 256)) * 8 + b"AWS::ECR::Repository",
        "t.yaml:2: error: file is not valid UTF-8 (byte 0x80); ecrfix reads UTF-8 only",
    ),
    (
        "binary without the resource type",
        "t.template",
        bytes(range(256)) * 8,
        "t.template:1: error: file contains a NUL byte (binary or UTF-16/32 file?)",
    ),
    (
        "NUL byte",
        "t.yaml",
        MUTABLE.replace("Properties", "Prop\0erties").encode(),
        "t.yaml:4: error: file contains a NUL byte (binary or UTF-16/32 file?)",
    ),
    (
        "truncated YAML",
        "t.yaml",
        MUTABLE[:60].encode(),
        "t.yaml:4: error: invalid YAML/JSON: while scanning a simple key: "
        "could not find expected ':' (column 11)",
    ),
    (
        "truncated JSON",
        "t.json",
        b'{"Resources": {"Repo": {"Type": "AWS::ECR::Repository", "Properties": {"ImageTag',
        "t.json:1: error: invalid YAML/JSON: while scanning a quoted scalar: "
        "found unexpected end of stream (column 81)",
    ),
    (
        "JSON cut after a comma",
        "t.json",
        b'{"Resources": {"Repo": {"Type": "AWS::ECR::Repository",\n',
        "t.json:2: error: invalid YAML/JSON: while parsing a flow node: "
        "expected the node content, but found '<stream end>' (column 1)",
    ),
    (
        "two ImageTagMutability keys",
        "t.yaml",
        (MUTABLE + "      ImageTagMutability: IMMUTABLE\n").encode(),
        "t.yaml:6: error: duplicate key 'ImageTagMutability' in the Properties of 'Repo': "
        "ecrfix cannot tell which one applies",
    ),
    (
        "two Properties keys",
        "t.yaml",
        (
            REPO + "    Properties: {}\n    Properties:\n      ImageTagMutability: MUTABLE\n"
        ).encode(),
        "t.yaml:5: error: duplicate key 'Properties' in resource 'Repo': "
        "ecrfix cannot tell which one applies",
    ),
    (
        "two Type keys",
        "t.json",
        b'{"Resources": {"R": {"Type": "AWS::S3::Bucket", "Type": "AWS::ECR::Repository"}}}',
        "t.json:1: error: duplicate key 'Type' in resource 'R': "
        "ecrfix cannot tell which one applies",
    ),
    (
        "two Resources keys",
        "t.yaml",
        (REPO + "Resources:\n  Other:\n    Type: AWS::ECR::Repository\n").encode(),
        "t.yaml:4: error: duplicate key 'Resources'",
    ),
    (
        # libyaml refuses it, and the pure parser fails an assertion on it
        "an unknown YAML version",
        "t.yaml",
        ("%YAML 1.3\n---\n" + MUTABLE).encode(),
        "t.yaml: error: cannot parse: version minor part can only be 2 or 1, got (1, 3)",
    ),
    (
        "a tag on the Properties key",
        "t.yaml",
        MUTABLE.replace("    Properties:", "    !Ref Properties:").encode(),
        "t.yaml:4: error: the key 'Properties' carries the tag !Ref: "
        "ecrfix cannot tell what it means",
    ),
    (
        "a tag on the ImageTagMutability key",
        "t.yaml",
        MUTABLE.replace("      Image", "      !Sub Image").encode(),
        "t.yaml:5: error: the key 'ImageTagMutability' carries the tag !Sub: "
        "ecrfix cannot tell what it means",
    ),
    (
        "two resources with one logical id",
        "t.yaml",
        (REPO + "  Repo:\n    Type: AWS::ECR::Repository\n").encode(),
        "t.yaml:4: error: duplicate logical id 'Repo' in Resources",
    ),
    (
        "tab in the indentation",
        "t.yaml",
        MUTABLE.replace("      ImageTag", "\t  ImageTag").encode(),
        "t.yaml:5: error: invalid YAML/JSON: while scanning for the next token: "
        "found character '\\t' that cannot start any token (column 1)",
    ),
    (
        "alias bomb",
        "t.yaml",
        _alias_bomb().encode(),
        "t.yaml:3: error: aliases expand to more than 2,000,000 nodes (a YAML alias bomb?)",
    ),
    (
        "alias inside its own anchor",
        "t.yaml",
        (REPO + "    Metadata: &m {Self: [*m]}\n").encode(),
        f"t.yaml:4: error: {DEEP} (or an alias refers to a collection that contains it)",
    ),
    ("10,000-deep flow YAML", "t.yaml", _deep_flow(10_000).encode(), f"t.yaml:4: error: {DEEP}"),
    ("250-deep flow YAML", "t.yaml", _deep_flow(250).encode(), f"t.yaml:4: error: {DEEP}"),
    ("10,000-deep JSON objects", "t.json", _deep_json(10_000).encode(), f"t.json:1: error: {DEEP}"),
    (
        "10,000-deep JSON arrays",
        "t.json",
        _deep_json(10_000, "[", "]").encode(),
        f"t.json:1: error: {DEEP}",
    ),
    (
        # past the depth at which libyaml's composer overflows the C stack
        "1,000,000-deep JSON arrays",
        "t.json",
        _deep_json(1_000_000, "[", "]").encode(),
        f"t.json:1: error: {DEEP}",
    ),
    (
        "10,000-deep block sequence",
        "t.yaml",
        (REPO + "    Metadata:\n      " + "- " * 10_000 + "x\n").encode(),
        f"t.yaml:5: error: {DEEP}",
    ),
    (
        # libyaml refuses the tag in a flow mapping, so the pure composer reads this one
        "10,000-deep, pure composer",
        "t.yaml",
        (REPO + "    Properties: {RegistryId: !Ref AWS::AccountId}\n").encode()
        + _deep_flow(10_000).encode()[len(REPO) :],
        "t.yaml: error: nesting is too deep to parse",
    ),
    (
        "1,000-deep block mapping",
        "t.yaml",
        _deep_block(1_000).encode(),
        f"t.yaml:202: error: {DEEP}",
    ),
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.yaml").write_text(MUTABLE)
    return tmp_path


@pytest.mark.parametrize("mode", ["--write", "--check"])
@pytest.mark.parametrize(
    ("name", "content", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS]
)
def test_hostile_file_is_a_clear_error_and_never_written(
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    mode: str,
    name: str,
    content: bytes,
    message: str,
) -> None:
    (folder / name).write_bytes(content)
    code, out, err = _run([mode, "good.yaml", name], capsys)
    assert code == 2
    assert err.splitlines()[0] == message
    assert err.count("\n") == 2 and "Traceback" not in err
    assert (folder / name).read_bytes() == content
    if mode == "--write":
        assert (folder / "good.yaml").read_text() == FIXED
        assert err.endswith("1 repository fixed in 1 file, 1 file with errors (2 files checked)\n")
    else:
        assert out.startswith("good.yaml:5:7: Repo")
    assert sorted(p.name for p in folder.iterdir()) == sorted({"good.yaml", name})


@pytest.mark.parametrize(
    ("name", "content", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS]
)
def test_hostile_file_found_by_a_walk_is_the_same_error(
    folder: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / name).write_bytes(content)
    code, _, err = _run(["--write", "."], capsys)
    if may_hold_ecr(content):
        assert code == 2
        assert err.splitlines()[0] == "sub/" + message
    else:  # a walked file that cannot hold an ECR resource is never decoded (DESIGN §3)
        assert (code, err) == (0, "1 repository fixed in 1 file (2 files checked)\n")
    assert (folder / "sub" / name).read_bytes() == content
    assert (folder / "good.yaml").read_text() == FIXED


# (id, file name, content, note): named on the command line, they are not templates
NOTES = [
    ("empty", "t.yaml", b"", "empty or only comments: not a CloudFormation template"),
    (
        "blank lines",
        "t.yaml",
        b"\n  \r\n\t\n",
        "empty or only comments: not a CloudFormation template",
    ),
    (
        "only comments",
        "t.yaml",
        b"\xef\xbb\xbf# a template\n  # Type: AWS::ECR::Repository\n",
        "empty or only comments: not a CloudFormation template",
    ),
    (
        "binary, not a template name",
        "t.png",
        bytes(range(256)),
        "not a CloudFormation template, skipped",
    ),
    (
        "a mapping, no Resources",
        "t.yaml",
        b"Type: AWS::ECR::Repository\n",
        "not a CloudFormation template",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "note"), [c[1:] for c in NOTES], ids=[c[0] for c in NOTES]
)
def test_not_a_template_named_gets_a_note_walked_is_silent(
    folder: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, note: str
) -> None:
    (folder / name).write_bytes(content)
    assert _run(["--write", "good.yaml", name], capsys) == (
        0,
        "good.yaml:5:7: Repo (AWS::ECR::Repository): ImageTagMutability is 'MUTABLE', "
        "expected IMMUTABLE [fixed]\n",
        f"{name}: note: {note}\n1 repository fixed in 1 file (2 files checked)\n",
    )
    assert (folder / name).read_bytes() == content
    code, out, err = _run(["--write", "."], capsys)
    assert (code, out) == (0, "")
    assert err.startswith("0 repositories fixed in 0 files (")


def test_file_over_the_size_limit_is_not_read(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    big = folder / "big.yaml"
    with big.open("wb") as handle:  # sparse: 100 MB that cost no disk
        handle.write(MUTABLE.encode())
        handle.truncate(100 * 1024 * 1024)
    reads: list[tuple[str, int]] = []
    real_fdopen = os.fdopen

    class Spy:
        def __init__(self, fd: int, mode: str) -> None:
            self.name = os.readlink(f"/proc/self/fd/{fd}")
            self.handle = real_fdopen(fd, mode)

        def read(self, size: int = -1) -> bytes:
            reads.append((os.path.basename(self.name), size))
            return self.handle.read(size)  # type: ignore[no-any-return]

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

    def spying_fdopen(fd: int, mode: str = "r", *args: object) -> object:
        return Spy(fd, mode) if mode == "rb" else real_fdopen(fd, mode, *args)  # type: ignore[call-overload]

    with monkeypatch.context() as patch:
        patch.setattr(os, "fdopen", spying_fdopen)
        code, _, err = _run(["--write", "good.yaml", "big.yaml"], capsys)
    assert code == 2
    assert err.splitlines()[0] == (
        "big.yaml: error: file is 104,857,600 bytes, over the 10 MB limit (--max-file-size)"
    )
    assert os.path.getsize(big) == 100 * 1024 * 1024
    assert (folder / "good.yaml").read_text() == FIXED
    # the size is checked before reading: big.yaml was never read; good.yaml was read
    # within the limit, then again in full just before it was replaced
    assert reads == [("good.yaml", 10 * 1024 * 1024 + 1), ("good.yaml", -1)]
    # found by a walk, a file CloudFormation could never take is skipped with a note
    (folder / "good.yaml").write_text(MUTABLE)
    code, _, err = _run(["--check", "."], capsys)
    assert code == 1
    assert err.splitlines()[0] == (
        "big.yaml: note: file is 104,857,600 bytes, over the 10 MB limit (--max-file-size), skipped"
    )
    # the limit is a flag; 0 lifts it
    big.write_bytes(MUTABLE.encode() + b"#" * 2000 + b"\n")
    assert _run(["--check", "--max-file-size", "1K", "big.yaml"], capsys)[0] == 2
    assert _run(["--check", "--max-file-size", "0", "big.yaml"], capsys)[0] == 1
    assert _run(["--check", "--max-file-size", "3k", "big.yaml"], capsys)[0] == 1
    code, _, err = _run(["--check", "--max-file-size", "ten", "big.yaml"], capsys)
    assert (code, err) == (2, "ecrfix: error: --max-file-size: not a size: 'ten'\n")


def test_fifo_named_like_a_template_does_not_hang(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(folder / "pipe.yaml")
    code, _, err = _run(["--write", "good.yaml", "pipe.yaml"], capsys)
    assert code == 2
    assert err.splitlines()[0] == "pipe.yaml: error: cannot read: not a regular file"
    assert (folder / "good.yaml").read_text() == FIXED
    # a walk takes regular files only
    assert _run(["--check", "."], capsys)[0] == 0


@pytest.mark.parametrize(
    "name",
    ["with space.yaml", "ünïcødé €.yaml", "-leading-dash.yaml", "new\nline.yaml", 'q"uote.yaml'],
)
def test_awkward_file_names_are_fixed(
    folder: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (folder / "good.yaml").unlink()
    (folder / name).write_text(MUTABLE)
    shown = '"new\\nline.yaml"' if "\n" in name else name
    code, out, _ = _run(["--diff", "."], capsys)
    assert code == 1
    assert out.splitlines()[:2] == [f"--- {_diff_name('a', name)}", f"+++ {_diff_name('b', name)}"]
    code, out, _ = _run(["--write", "--", name], capsys)
    assert (code, out) == (
        0,
        f"{shown}:5:7: Repo (AWS::ECR::Repository): ImageTagMutability is 'MUTABLE', "
        "expected IMMUTABLE [fixed]\n",
    )
    assert (folder / name).read_text() == FIXED


def _diff_name(side: str, name: str) -> str:
    return f'"{side}/new\\nline.yaml"' if "\n" in name else f"{side}/{name}"


def test_leading_dash_without_separator_is_a_usage_error(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "-x.yaml").write_text(MUTABLE)
    code, out, err = _run(["--write", "-x.yaml"], capsys)
    assert (code, out) == (2, "")
    assert "No such option" in err
    assert (folder / "-x.yaml").read_text() == MUTABLE
    assert _run(["--write", "./-x.yaml"], capsys)[0] == 0
    assert (folder / "-x.yaml").read_text() == FIXED


def test_path_given_twice_is_processed_once(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    absolute = str(folder / "good.yaml")
    code, out, err = _run(["--write", "good.yaml", "./good.yaml", absolute, "."], capsys)
    assert code == 0
    assert out.count("[fixed]") == 1
    assert err == "1 repository fixed in 1 file (1 file checked)\n"


def test_missing_path_is_an_error_and_the_rest_is_done(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["--write", "nope.yaml", "nope/", "good.yaml"], capsys)
    assert code == 2
    assert err.splitlines() == [
        "nope.yaml: error: no such file or folder",
        "nope/: error: no such file or folder",
        "1 repository fixed in 1 file, 2 files with errors (1 file checked)",
    ]
    assert (folder / "good.yaml").read_text() == FIXED


def test_unreadable_entries_of_a_folder(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Permission bits do not stop root, so the refusals are injected; tests/test_writes.py
    # runs the same as an unprivileged user.
    (folder / "locked").mkdir()
    (folder / "locked" / "t.yaml").write_text(MUTABLE)
    (folder / "secret.yaml").write_text(MUTABLE)
    real_scandir, real_open = os.scandir, os.open

    def scandir(path: object) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[call-overload]

    def open_(path: str, flags: int, *args: object) -> int:
        if str(path).endswith("secret.yaml"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "open", open_)
    code, _, err = _run(["--write", "."], capsys)
    assert code == 2
    assert err.splitlines() == [
        "locked: error: cannot list folder: Permission denied",
        "secret.yaml: error: cannot read: Permission denied",
        "1 repository fixed in 1 file, 2 files with errors (2 files checked)",
    ]
    assert (folder / "good.yaml").read_text() == FIXED
    assert (folder / "locked" / "t.yaml").read_text() == MUTABLE


def test_deeply_nested_folders_are_walked(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # deeper than Python's recursion limit; made and removed level by level, as pathlib
    # and shutil recurse
    levels = [folder / "d"]
    for _ in range(1_100):
        levels.append(levels[-1] / "d")
    for level in levels:
        level.mkdir()
    (levels[-1] / "t.yaml").write_text(MUTABLE)
    try:
        code, _, err = _run(["--write", "."], capsys)
        assert (code, err) == (0, "2 repositories fixed in 2 files (2 files checked)\n")
        assert (levels[-1] / "t.yaml").read_text() == FIXED
    finally:
        (levels[-1] / "t.yaml").unlink()
        for level in reversed(levels):
            level.rmdir()


SHIBBOLETH = ROOT / "tests" / "data" / "shibboleth-deployment-pipeline.yaml"


@pytest.mark.parametrize("source", ["in-repo copy", "corpus"])
def test_duplicate_keys_away_from_the_fix_are_warnings(
    folder: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    original = SHIBBOLETH
    if source == "corpus":
        (original,) = shared_dir("corpus", "ecr").glob("*shibboleth*deployment-pipeline.yaml")
    shutil.copy(original, folder / "pipeline.yaml")
    before = original.read_text()
    code, out, err = _run(["--write", "pipeline.yaml"], capsys)
    assert code == 0
    assert out == (
        "pipeline.yaml:75:5: ECRRepo (AWS::ECR::Repository): ImageTagMutability is missing, "
        "expected IMMUTABLE [fixed]\n"
    )
    assert err == (
        "pipeline.yaml:9: warning: duplicate key 'Name' (the last one applies)\n"
        "pipeline.yaml:356: warning: duplicate key 'Name' (the last one applies)\n"
        "1 repository fixed in 1 file (1 file checked)\n"
    )
    after = (folder / "pipeline.yaml").read_text()
    lines = before.splitlines(keepends=True)
    lines.insert(75, "      ImageTagMutability: IMMUTABLE\n")
    assert after == "".join(lines)


def test_reused_anchor_name_prints_no_python_warning(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # valid YAML (an alias takes the latest anchor of its name); ruamel warns about it
    (folder / "t.yaml").write_text(
        REPO + "    Properties: &p {}\n  Two:\n    Type: AWS::ECR::Repository\n"
        "    Properties: &p {}\n  Three:\n    Type: AWS::ECR::Repository\n    Properties: *p\n"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, out, err = _run(["--write", "t.yaml"], capsys)
    assert [str(w.message) for w in caught] == []
    assert (code, out.count("[fixed]")) == (0, 3)
    assert err == "3 repositories fixed in 1 file (1 file checked)\n"


NOT_A_TEMPLATE = (0, "", "t.yaml: note: not a CloudFormation template\n")


@pytest.mark.parametrize(
    ("template", "report"),
    [
        # tagged, they are intrinsic functions to CloudFormation ({"Ref": ...}), not maps
        ("!Ref\n" + REPO, NOT_A_TEMPLATE),
        ("Resources: !Ref\n" + REPO[len("Resources:\n") :], NOT_A_TEMPLATE),
        (
            REPO + "    Properties: !Transform\n      Name: AWS::Include\n",
            (
                1,
                "t.yaml:4:5: Repo (AWS::ECR::Repository): ImageTagMutability is missing, "
                "expected IMMUTABLE: Properties is not a mapping [unfixable]\n",
                "",
            ),
        ),
    ],
    ids=["tagged document", "tagged Resources", "tagged Properties"],
)
def test_tagged_mappings_are_not_taken_for_plain_ones(
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    template: str,
    report: tuple[int, str, str],
) -> None:
    (folder / "t.yaml").write_text(template)
    code, out, err = _run(["--write", "t.yaml"], capsys)
    assert (code, out, err.removesuffix(err.splitlines()[-1] + "\n")) == report
    assert (folder / "t.yaml").read_text() == template
