from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", ".hg", ".svn", ".tox", "__pycache__"})


class WalkError(NamedTuple):
    path: str
    message: str


class Snapshot(NamedTuple):
    """What a file was when it was read, to refuse replacing a file that changed since."""

    size: int
    mtime_ns: int
    digest: str


def snapshot(data: bytes, st: os.stat_result) -> Snapshot:
    import hashlib  # here, like tempfile below: a run that writes nothing never loads them

    return Snapshot(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())


def read_file(path: str) -> tuple[bytes, Snapshot]:
    data, st = read_bytes(path)
    return data, snapshot(data, st)


def read_bytes(path: str) -> tuple[bytes, os.stat_result]:
    with open(path, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{path}: not a regular file")
        return handle.read(), st


def is_template_name(name: str) -> bool:
    return name.endswith(TEMPLATE_SUFFIXES)


def _ignore_spec(folder: str) -> object | None:
    try:
        with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _ignored(specs: list[tuple[str, object]], path: str, is_dir: bool) -> bool:
    for base, spec in specs:
        rel = path[len(base.rstrip(os.sep)) + 1 :]  # walked paths all start with `base`
        if os.sep != "/":  # pragma: no cover - Windows
            rel = rel.replace(os.sep, "/")
        if spec.match_file(rel + "/" if is_dir else rel):  # type: ignore[attr-defined]
            return True
    return False


def walk(root: str, errors: list[WalkError]) -> Iterator[str]:
    """Template files under `root`, sorted, skipping VCS and dependency folders, what
    `.gitignore` files ignore, and symlinked folders (a walk never leaves the tree)."""
    return (entry.path for entry in walk_entries(root, errors))


def walk_entries(root: str, errors: list[WalkError]) -> Iterator[os.DirEntry[str]]:
    """The files of `walk` as they were listed: each knows whether it is a symlink."""
    # plain strings and os.scandir: pathlib objects cost more than the walk itself
    yield from _walk(str(Path(root)), [], errors)


def _walk(
    folder: str, specs: list[tuple[str, object]], errors: list[WalkError]
) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            found = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        errors.append(WalkError(folder, f"cannot list folder: {exc.strerror or exc}"))
        return
    spec = _ignore_spec(folder) if any(e.name == ".gitignore" for e in found) else None
    if spec is not None:
        specs = [*specs, (folder, spec)]
    for entry in found:
        try:
            if entry.is_dir(follow_symlinks=False):
                if entry.name in SKIPPED_DIRS or (specs and _ignored(specs, entry.path, True)):
                    continue
                yield from _walk(entry.path, specs, errors)
            elif (
                is_template_name(entry.name)
                and entry.is_file()
                and not (specs and _ignored(specs, entry.path, False))
            ):
                yield entry
        except OSError as exc:
            errors.append(WalkError(entry.path, f"cannot read: {exc.strerror or exc}"))


class ChangedSinceRead(OSError):
    pass


def atomic_write(path: str, data: bytes, expected: Snapshot) -> None:
    """Replace `path` with `data` all at once, or not at all.

    The new bytes go to a temporary file beside the original (same file system, so the
    rename is atomic), which is flushed and fsynced, given the original's permission bits,
    and renamed over the original only if the original still is what was read.
    """
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    st = os.stat(target)
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".ecrfix-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        current, _ = read_file(target)
        if snapshot(current, os.stat(target)) != expected:
            raise ChangedSinceRead(f"{path}: changed since ecrfix read it; not written")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
