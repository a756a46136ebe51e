from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
# Prose that quotes templates: a named one that does not parse is no template, not an error.
PROSE_SUFFIXES = (".md", ".markdown", ".rst", ".adoc", ".txt", ".html", ".htm")
SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", ".hg", ".svn", ".tox", "__pycache__"})


class WalkError(NamedTuple):
    path: str
    message: str
    skipped: bool = False  # a file left alone on purpose (a note), rather than an error


class TooLarge(OSError):
    def __init__(self, size: int, limit: int) -> None:
        limit_text = f"the {_human(limit)} limit (--max-file-size)"
        super().__init__(f"file is {size:,} bytes, over {limit_text}")


def _human(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


class Snapshot(NamedTuple):
    """What a file was when it was read, to refuse replacing a file that changed since."""

    size: int
    mtime_ns: int
    digest: str


def snapshot(data: bytes, st: os.stat_result) -> Snapshot:
    import hashlib  # only a run that may write hashes what it read

    return Snapshot(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())


def read_file(path: str, max_size: int = 0) -> tuple[bytes, Snapshot]:
    """The bytes of a regular file and what it was when read (see `read_bytes`)."""
    data, st = read_bytes(path, max_size)
    return data, snapshot(data, st)


def read_bytes(path: str, max_size: int = 0) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file and its status; a `max_size` (0: none) is checked
    before reading, and again while reading in case the file grows."""
    # O_NONBLOCK: opening a FIFO named like a template must not hang the run
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError("not a regular file")
        if max_size and st.st_size > max_size:
            raise TooLarge(st.st_size, max_size)
        data = handle.read(max_size + 1) if max_size else handle.read()
        if max_size and len(data) > max_size:
            raise TooLarge(len(data), max_size)
    return data, st


def parse_size(text: str) -> int:
    """Bytes in a size such as `10MB`, `512K` or `1048576` (binary units; 0: no limit)."""
    number = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = number[-1:] if number[-1:] in _UNITS else ""
    value = float(number.removesuffix(unit)) * _UNITS.get(unit, 1)
    if value < 0:
        raise ValueError(text)
    return int(value)


_UNITS = {"K": 1024, "M": 1024**2, "G": 1024**3}


def is_template_name(name: str) -> bool:
    return name.endswith(TEMPLATE_SUFFIXES)


def is_prose_name(name: str) -> bool:
    return name.lower().endswith(PROSE_SUFFIXES)


def _ignore_spec(gitignore: str) -> GitIgnoreSpec | None:
    try:
        with open(gitignore, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


# Each .gitignore in force, with the path of the folder walked relative to the .gitignore's
# own folder ("" in that folder, "sub/" below it): matching builds a relative path from
# names alone, where pathlib would parse every walked path again (a third of the walk).
Specs = list[tuple[str, "GitIgnoreSpec"]]


def _ignored(specs: Specs, name: str, is_dir: bool) -> bool:
    suffix = "/" if is_dir else ""
    return any(spec.match_file(prefix + name + suffix) for prefix, spec in specs)


class Selection(NamedTuple):
    """Which walked files are templates, and which folders are not walked at all."""

    file: Callable[[str], bool] = is_template_name
    skip_folder: Callable[[str], bool] = lambda path: False


TEMPLATES = Selection()


def walk_files(
    root: str, errors: list[WalkError], select: Selection = TEMPLATES
) -> Iterator[tuple[str, bool]]:
    """Template files under `root`, sorted, each with whether it is a symbolic link,
    skipping VCS and dependency folders and what `.gitignore` files ignore. The walk never
    leaves the tree and never loops: symlinked folders are not entered, and a symlinked
    file is taken only when its target lies in the tree (else it is reported as skipped);
    such files come last."""
    inside = os.path.realpath(root)
    links: list[str] = []  # taken last, so that a file found under its own name keeps it
    levels = [_level(str(Path(root)), [], errors)]
    while levels:
        entry, specs = next(levels[-1], (None, []))
        if entry is None:
            levels.pop()
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                if (
                    entry.name not in SKIPPED_DIRS
                    and not _ignored(specs, entry.name, True)
                    and not select.skip_folder(entry.path)
                ):
                    below = [(prefix + entry.name + "/", spec) for prefix, spec in specs]
                    levels.append(_level(entry.path, below, errors))
            elif select.file(entry.path) and not _ignored(specs, entry.name, False):
                if entry.is_symlink():
                    links.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    yield entry.path, False
        except OSError as exc:
            errors.append(WalkError(entry.path, f"cannot read: {exc.strerror or exc}"))
    yield from ((path, True) for path in links if _linked_file(path, inside, errors))


def _level(
    folder: str, specs: Specs, errors: list[WalkError]
) -> Iterator[tuple[os.DirEntry[str], Specs]]:
    try:
        with os.scandir(folder) as it:
            found = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        errors.append(WalkError(folder, f"cannot list folder: {exc.strerror or exc}"))
        return
    # most folders have no .gitignore: looked for among the names listed, not opened
    if any(entry.name == ".gitignore" for entry in found):
        spec = _ignore_spec(os.path.join(folder, ".gitignore"))
        if spec is not None:
            specs = [*specs, ("", spec)]
    for entry in found:
        yield entry, specs


def _linked_file(path: str, inside: str, errors: list[WalkError]) -> bool:
    target = os.path.realpath(path)
    if not os.path.isfile(target):
        errors.append(WalkError(path, "broken symbolic link, skipped", skipped=True))
        return False
    if os.path.commonpath([target, inside]) != inside:
        errors.append(
            WalkError(path, "symbolic link to a file outside the folder walked, skipped", True)
        )
        return False
    return True
