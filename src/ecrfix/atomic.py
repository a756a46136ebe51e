"""Replace a file all at once or not at all, keeping everything about it but its text."""

from __future__ import annotations

import contextlib
import os
import re

from ecrfix.files import Snapshot, read_file

# Temporary files are named after the process that writes them, so that a later run can
# tell one left by a killed run (its process is gone) from one still being written.
TEMP_PREFIX = ".ecrfix-"
TEMP_SUFFIX = ".tmp"
_TEMP_NAME = re.compile(r"\.ecrfix-(\d{1,9})-\w+\.tmp")
_swept: set[str] = set()  # folders already cleared of stale temporary files by this process


class NotWritten(OSError):
    """ecrfix left the file as it was; the message says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"not written: {reason}")


def atomic_write(path: str, data: bytes, expected: Snapshot) -> None:
    """Replace `path` (a symbolic link: its target) with `data`, or raise NotWritten.

    The new bytes go to a temporary file beside the original (same file system, so the
    rename is atomic) that takes the original's mode, owner and extended attributes, is
    fsynced, and is renamed over the original only if the original still is what was
    read; the folder is then fsynced so that the rename survives a crash.
    """
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    st = os.stat(target)
    if st.st_nlink > 1:
        raise NotWritten(
            f"it has {st.st_nlink} hard links, and replacing it would leave the others "
            "with the old text"
        )
    if not os.access(target, os.W_OK):
        raise NotWritten("the file is read-only")
    sweep_stale_temporaries(folder)
    import tempfile  # only a run that writes needs it (with `random`, 2 ms to import)

    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=TEMP_SUFFIX, dir=folder
        )
    except OSError as exc:
        raise NotWritten(f"cannot create a file in its folder ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            _keep_metadata(handle.fileno(), target, st)
            os.fsync(handle.fileno())
        if read_file(target)[1] != expected:
            raise NotWritten("it changed since ecrfix read it")
        os.replace(tmp, target)
    except BaseException as exc:  # Ctrl-C included: never leave the temporary file
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, NotWritten):
            raise NotWritten(exc.strerror or str(exc)) from exc
        raise
    _fsync_folder(folder)


def _keep_metadata(fd: int, target: str, st: os.stat_result) -> None:
    os.fchmod(fd, st.st_mode & 0o7777)
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
        try:
            os.fchown(fd, st.st_uid, st.st_gid)
        except PermissionError:
            raise NotWritten(
                f"its owner (uid {st.st_uid}, gid {st.st_gid}) could not be kept"
            ) from None
        os.fchmod(fd, st.st_mode & 0o7777)  # chown clears the set-id bits
    _copy_xattrs(fd, target)


def _copy_xattrs(fd: int, target: str) -> None:
    if not hasattr(os, "listxattr"):  # not Linux
        return
    try:
        names = os.listxattr(target)
    except OSError:  # the file system has none
        return
    for name in names:
        value = os.getxattr(target, name)
        with contextlib.suppress(OSError):
            if os.getxattr(fd, name) == value:  # e.g. a security label given on creation
                continue
        try:
            os.setxattr(fd, name, value)
        except OSError as exc:
            raise NotWritten(
                f"its extended attribute {name} could not be kept ({exc.strerror})"
            ) from None


def sweep_stale_temporaries(folder: str) -> None:
    """Remove the temporary files that killed ecrfix runs left in `folder`, once per process.

    A file is stale when the process named in it is gone, or is this one, which has not
    written in this folder yet.
    """
    if folder in _swept:
        return
    _swept.add(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = _TEMP_NAME.fullmatch(name)
        if match and not _alive_elsewhere(int(match[1])):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))


def _alive_elsewhere(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def _fsync_folder(folder: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
