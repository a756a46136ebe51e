from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(path: str, before: str, after: str) -> str:
    """A `git apply`-able diff with a/ and b/ headers and no timestamps."""
    name = path.lstrip("/")  # headers stay relative so that `git apply` takes them
    lines: list[str] = []
    for line in difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    ):
        if line.endswith("\n"):
            lines.append(line)
        else:
            lines += (line, "\n", NO_NEWLINE)
    return "".join(lines)
