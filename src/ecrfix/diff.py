from __future__ import annotations

import difflib
import re

NO_NEWLINE = "\\ No newline at end of file\n"
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def quote_path(path: str) -> str:
    """`path` as git shows it: in C-style quotes when it holds a control character (a
    newline in a file name would otherwise split a line of output), else unchanged."""
    if not _CONTROL.search(path):
        return path
    return '"' + "".join(_ESCAPES.get(c) or _escape_control(c) for c in path) + '"'


def _escape_control(char: str) -> str:
    return f"\\{ord(char):03o}" if _CONTROL.match(char) else char


def unified_diff(path: str, before: str, after: str) -> str:
    """A `git apply`-able diff with a/ and b/ headers and no timestamps."""
    name = path.lstrip("/")  # headers stay relative so that `git apply` takes them
    lines: list[str] = []
    for line in difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=quote_path(f"a/{name}"),
        tofile=quote_path(f"b/{name}"),
    ):
        if line.endswith("\n"):
            lines.append(line)
        else:
            lines += (line, "\n", NO_NEWLINE)
    return "".join(lines)
