"""Writes happen all at once or not at all, keep what the file was (mode, owner, extended
attributes, links), and every refusal names the file, leaves it intact, lets the other files
be fixed and ends the run with exit code 2."""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrfix import atomic, run
from ecrfix.files import Snapshot

from .conftest import run_cli as _run

MUTABLE = (
    "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n"
    "    Properties:\n      ImageTagMutability: MUTABLE\n"
)
FIXED = MUTABLE.replace("MUTABLE\n", "IMMUTABLE\n")
FIXED_LINE = (
    "{}:5:7: Repo (AWS::ECR::Repository): ImageTagMutability is 'MUTABLE', "
    "expected IMMUTABLE [fixed]\n"
)
# a file that could not be written keeps its finding, still to fix
NOT_FIXED_A = FIXED_LINE.format("a.yaml").replace("[fixed]", "[fixable]")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(MUTABLE)
    (tmp_path / "b.yaml").write_text(MUTABLE)
    return tmp_path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".ecrfix-*"))


def _refused(err: str, reason: str) -> None:
    assert err == (
        f"a.yaml: error: not written: {reason}\n"
        "1 repository fixed in 1 file, 1 file with errors (2 files checked)\n"
    )


def test_write_replaces_the_file_and_keeps_its_mode(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chmod(folder / "a.yaml", 0o751)
    inode = os.stat(folder / "a.yaml").st_ino
    assert _run(["--write", "a.yaml"], capsys)[0] == 0
    st = os.stat(folder / "a.yaml")
    assert (folder / "a.yaml").read_text() == FIXED
    assert stat.S_IMODE(st.st_mode) == 0o751
    assert st.st_ino != inode  # replaced by a rename, never rewritten in place
    assert _leftovers(folder) == []


def _fail_on(monkeypatch: pytest.MonkeyPatch, name: str, error: BaseException) -> None:
    """Make `os.<name>` (`tempfile.mkstemp`) raise `error` while a.yaml, and only a.yaml,
    is being written."""
    module = tempfile if name == "mkstemp" else os
    real_write = atomic.atomic_write

    def failing(*args: object, **kwargs: object) -> None:
        raise error

    def writing(path: str, data: bytes, expected: Snapshot) -> None:
        if os.path.basename(path) != "a.yaml":
            return real_write(path, data, expected)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(module, name, failing)
            return real_write(path, data, expected)

    monkeypatch.setattr(run, "atomic_write", writing)


@pytest.mark.parametrize(
    ("name", "error", "reason"),
    [
        ("fsync", OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
        ("fsync", OSError(errno.EIO, "Input/output error"), "Input/output error"),
        ("replace", PermissionError(errno.EACCES, "Permission denied"), "Permission denied"),
        ("replace", OSError(errno.EROFS, "Read-only file system"), "Read-only file system"),
        (
            "mkstemp",
            PermissionError(errno.EACCES, "Permission denied"),
            "cannot create a file in its folder (Permission denied)",
        ),
        (
            "mkstemp",
            OSError(errno.ENOSPC, "No space left on device"),
            "cannot create a file in its folder (No space left on device)",
        ),
    ],
    ids=[
        "disk full",
        "I/O error",
        "replace denied",
        "read-only mount",
        "folder denied",
        "no inode",
    ],
)
def test_failed_write_leaves_the_file_and_no_temporary(
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    error: OSError,
    reason: str,
) -> None:
    _fail_on(monkeypatch, name, error)
    code, out, err = _run(["--write", "a.yaml", "b.yaml"], capsys)
    assert (code, out) == (2, NOT_FIXED_A + FIXED_LINE.format("b.yaml"))
    _refused(err, reason)
    assert (folder / "a.yaml").read_text() == MUTABLE
    assert (folder / "b.yaml").read_text() == FIXED
    assert _leftovers(folder) == []


@pytest.mark.parametrize(
    "edited",
    [MUTABLE + "# edited by someone else meanwhile\n", MUTABLE.replace("Repo:", "Rep0:")],
    ids=["longer", "same size and modification time"],
)
def test_file_changed_since_read_is_not_written(
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    edited: str,
) -> None:
    real_analyze = run.analyze
    calls = []

    def analyze_while_someone_edits(*args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) == 1:  # a.yaml, read and being analysed
            before = os.stat(folder / "a.yaml")
            (folder / "a.yaml").write_text(edited)
            if len(edited) == len(MUTABLE):  # only the content can tell
                os.utime(folder / "a.yaml", ns=(before.st_atime_ns, before.st_mtime_ns))
        return real_analyze(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run, "analyze", analyze_while_someone_edits)
    code, out, err = _run(["--write", "a.yaml", "b.yaml"], capsys)
    assert (code, out) == (2, NOT_FIXED_A + FIXED_LINE.format("b.yaml"))
    _refused(err, "it changed since ecrfix read it")
    assert (folder / "a.yaml").read_text() == edited
    assert _leftovers(folder) == []


def test_ctrl_c_during_a_write_removes_the_temporary(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_on(monkeypatch, "replace", KeyboardInterrupt())
    code, out, err = _run(["--write", "a.yaml", "b.yaml"], capsys)
    assert (code, out) == (130, "")
    assert err == (
        "0 repositories fixed in 0 files (0 files checked)\n"
        "ecrfix: interrupted: stopped after 0 of 2 files; the others were not read\n"
    )
    assert (folder / "a.yaml").read_text() == MUTABLE
    assert (folder / "b.yaml").read_text() == MUTABLE
    assert _leftovers(folder) == []


def test_hard_linked_file_is_not_split(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.link(folder / "a.yaml", folder / "elsewhere.txt")
    assert _run(["--check", "a.yaml"], capsys)[0] == 1  # reported as usual
    code, out, err = _run(["--write", "a.yaml", "b.yaml"], capsys)
    assert (code, out) == (2, NOT_FIXED_A + FIXED_LINE.format("b.yaml"))
    _refused(err, "it has 2 hard links, and replacing it would leave the others with the old text")
    assert (folder / "a.yaml").read_text() == (folder / "elsewhere.txt").read_text() == MUTABLE
    assert os.stat(folder / "a.yaml").st_nlink == 2


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_root_keeps_the_owner_of_another_users_file(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chown(folder / "a.yaml", 65534, 65534)
    os.chmod(folder / "a.yaml", 0o640)
    assert _run(["--write", "a.yaml"], capsys)[0] == 0
    st = os.stat(folder / "a.yaml")
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (65534, 65534, 0o640)
    assert (folder / "a.yaml").read_text() == FIXED


def _acl_granting_nobody_write() -> bytes:
    """A POSIX access ACL as Linux stores it: owner rw, nobody (65534) rw, group r, other r."""

    def entry(tag: int, perm: int, uid: int = 0xFFFFFFFF) -> bytes:
        return struct.pack("<HHI", tag, perm, uid)

    return struct.pack("<I", 2) + b"".join(
        [entry(0x01, 6), entry(0x02, 6, 65534), entry(0x04, 4), entry(0x10, 6), entry(0x20, 4)]
    )


def test_extended_attributes_and_acls_are_kept(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    attributes = {
        "user.ecrfix-test": b"kept",
        "system.posix_acl_access": _acl_granting_nobody_write(),
    }
    try:
        for name, value in attributes.items():
            os.setxattr(folder / "a.yaml", name, value)
    except OSError as exc:
        pytest.skip(f"the file system of {folder} lacks extended attributes or ACLs ({exc})")
    assert _run(["--write", "a.yaml"], capsys)[0] == 0
    assert {name: os.getxattr(folder / "a.yaml", name) for name in attributes} == attributes
    assert (folder / "a.yaml").read_text() == FIXED


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def test_stale_temporary_files_are_ignored_then_removed(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "_swept", set())
    stale = folder / f".ecrfix-{_dead_pid()}-k1ll3d.tmp"
    mine = folder / f".ecrfix-{os.getpid()}-earlier.tmp"  # this pid, but not this run
    running = folder / f".ecrfix-{os.getppid()}-w0rk1ng.tmp"  # a live process's
    for path in (stale, mine, running):
        path.write_text(MUTABLE[:20])
    code, out, err = _run(["--check", "."], capsys)
    assert code == 1 and ".ecrfix-" not in out + err  # never taken for templates
    assert _leftovers(folder) == sorted([stale.name, mine.name, running.name])
    assert _run(["--write", "."], capsys)[0] == 0
    assert _leftovers(folder) == [running.name]


def test_symlinked_template_inside_the_tree_is_fixed_through_its_target(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "b.yaml").unlink()
    (folder / "sub").mkdir()
    (folder / "sub" / "link.yaml").symlink_to("../a.yaml")
    code, out, err = _run(["--write", "."], capsys)
    assert (code, out) == (0, FIXED_LINE.format("a.yaml"))  # the file, not the link
    assert err == "1 repository fixed in 1 file (1 file checked)\n"
    assert (folder / "sub" / "link.yaml").is_symlink()
    assert (folder / "a.yaml").read_text() == FIXED


def test_symlinked_template_outside_the_tree_is_reported_and_skipped(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "tree").mkdir()
    (folder / "tree" / "link.yaml").symlink_to("../a.yaml")
    (folder / "tree" / "broken.yaml").symlink_to("nowhere.yaml")
    (folder / "tree" / "loop.yaml").symlink_to("loop.yaml")
    assert _run(["--write", "tree"], capsys) == (
        0,
        "",
        "tree/broken.yaml: note: broken symbolic link, skipped\n"
        "tree/link.yaml: note: symbolic link to a file outside the folder walked, skipped\n"
        "tree/loop.yaml: note: broken symbolic link, skipped\n"
        "0 repositories fixed in 0 files (3 files checked)\n",
    )
    assert (folder / "a.yaml").read_text() == MUTABLE
    # named on the command line, a link is followed: the user chose that file
    assert _run(["--write", "tree/link.yaml"], capsys)[0] == 0
    assert (folder / "a.yaml").read_text() == FIXED
    assert (folder / "tree" / "link.yaml").is_symlink()


def test_walk_never_follows_a_symlinked_folder(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "tree" / "sub").mkdir(parents=True)
    (folder / "tree" / "sub" / "c.yaml").write_text(MUTABLE)
    (folder / "tree" / "sub" / "loop").symlink_to("..")  # a cycle
    (folder / "tree" / "out").symlink_to(folder)  # out of the tree
    (folder / "tree" / "in").symlink_to("sub")  # a second way to the same files
    assert _run(["--write", "tree"], capsys) == (
        0,
        FIXED_LINE.format("tree/sub/c.yaml"),
        "1 repository fixed in 1 file (1 file checked)\n",
    )
    assert (folder / "a.yaml").read_text() == MUTABLE


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 64 KB tmpfs, full but for what a test puts in it; skips where mounting is denied."""
    mount = Path(tempfile.mkdtemp(prefix="ecrfix-tmpfs-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], check=False).returncode != 0:
            # still busy (a process of the run holds it): detach it, it goes when released
            subprocess.run(["umount", "--lazy", str(mount)], check=True)
        mount.rmdir()


def test_real_full_disk(
    small_disk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(small_disk)
    # a file of several pages, so that its fixed copy needs pages a full disk lacks
    original = MUTABLE + "# padding\n" * 800
    Path("a.yaml").write_text(original)
    with contextlib.suppress(OSError), open("filler", "wb") as filler:
        while True:
            filler.write(b"\0" * 1024)
            filler.flush()
    code, out, err = _run(["--write", "a.yaml"], capsys)
    assert (code, out) == (2, NOT_FIXED_A)
    assert err == (
        "a.yaml: error: not written: No space left on device\n"
        "0 repositories fixed in 0 files, 1 file with errors (1 file checked)\n"
    )
    assert Path("a.yaml").read_text() == original
    assert _leftovers(small_disk) == []
    os.unlink("filler")
    assert _run(["--write", "a.yaml"], capsys)[0] == 0
    assert Path("a.yaml").read_text() == original.replace("MUTABLE\n", "IMMUTABLE\n", 1)


def _unprivileged_prefix() -> list[str]:
    """A command prefix that runs without the powers that let root ignore permission bits."""
    if os.geteuid() != 0:
        return []
    capsh = shutil.which("capsh")
    if capsh is None:
        pytest.skip("running as root without capsh: permission bits would not stop a write")
    caps = "cap_dac_override,cap_dac_read_search,cap_fowner,cap_chown,cap_fsetid"
    return [capsh, f"--drop={caps}", "--"]


def _run_unprivileged(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ecrfix", *args]
    prefix = _unprivileged_prefix()
    if prefix:
        command = [*prefix, "-c", shlex.join(command)]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)


def test_real_read_only_file_and_folder(folder: Path) -> None:
    (folder / "locked").mkdir()
    (folder / "locked" / "c.yaml").write_text(MUTABLE)
    os.chmod(folder / "a.yaml", 0o444)
    os.chmod(folder / "locked", 0o555)
    try:
        done = _run_unprivileged(folder, "--write", ".")
    finally:
        os.chmod(folder / "locked", 0o755)
    assert (done.returncode, done.stdout) == (
        2,
        NOT_FIXED_A
        + FIXED_LINE.format("b.yaml")
        + FIXED_LINE.format("locked/c.yaml").replace("[fixed]", "[fixable]"),
    )
    assert done.stderr == (
        "a.yaml: error: not written: the file is read-only\n"
        "locked/c.yaml: error: not written: cannot create a file in its folder "
        "(Permission denied)\n"
        "1 repository fixed in 1 file, 2 files with errors (3 files checked)\n"
    )
    assert (folder / "a.yaml").read_text() == (folder / "locked" / "c.yaml").read_text() == MUTABLE
    assert _leftovers(folder) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_another_users_file_is_not_taken_over(folder: Path) -> None:
    # writable by all, in a folder writable by all, but replacing it would make it ours
    os.chown(folder / "a.yaml", 65534, 65534)
    os.chmod(folder / "a.yaml", 0o666)
    done = _run_unprivileged(folder, "--write", "a.yaml", "b.yaml")
    assert (done.returncode, done.stdout) == (2, NOT_FIXED_A + FIXED_LINE.format("b.yaml"))
    _refused(done.stderr, "its owner (uid 65534, gid 65534) could not be kept")
    assert (folder / "a.yaml").read_text() == MUTABLE
    assert os.stat(folder / "a.yaml").st_uid == 65534
    assert _leftovers(folder) == []
