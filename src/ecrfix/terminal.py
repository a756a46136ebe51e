"""Colour and a progress bar for people at a terminal; never for pipes, files or CI logs.

rich is imported only once colour or a progress bar is actually wanted: it costs tens of
milliseconds, and most runs (pre-commit, CI, editors) want neither.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from enum import Enum
from typing import IO, TypeVar

T = TypeVar("T")

PROGRESS_MIN_FILES = 40  # below this a run is over before a bar is worth drawing

_STATUS_STYLE = {
    "fixable": "yellow",
    "fixed": "green",
    "unfixable": "bold red",
    "suppressed": "dim",
}
_DIFF_STYLE = (
    ("+++ ", "bold"),
    ("--- ", "bold"),
    ("@@", "cyan"),
    ("+", "green"),
    ("-", "red"),
    ("\\", "dim"),
)


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False


def wants_colour(choice: Color, stream: IO[str], environ: Mapping[str, str]) -> bool:
    if choice is not Color.auto:
        return choice is Color.always  # a flag on the command line beats NO_COLOR
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    return _isatty(stream)


def wants_progress(count: int, document: bool, stream: IO[str], env: Mapping[str, str]) -> bool:
    if document or count <= PROGRESS_MIN_FILES or env.get("CI"):
        return False
    return env.get("TERM") != "dumb" and _isatty(stream)


def _paint(text: str, style: str) -> str:
    from rich.color import ColorSystem
    from rich.style import Style

    return Style.parse(style).render(text, color_system=ColorSystem.STANDARD)


def paint_finding(line: str, path: str, status: str) -> str:
    """`line` is `path:line:col: message [status]`; colour the path and the status."""
    tail = f"[{status}]"
    if not (line.startswith(path) and line.endswith(tail)):
        return line
    middle = line[len(path) : len(line) - len(tail)]
    return _paint(path, "bold") + middle + _paint(tail, _STATUS_STYLE.get(status, "none"))


def paint_diff(diff: str) -> str:
    out: list[str] = []
    for line in diff.splitlines(keepends=True):
        body = line.rstrip("\n")
        style = next((s for prefix, s in _DIFF_STYLE if body.startswith(prefix)), None)
        out.append(_paint(body, style) + line[len(body) :] if style and body else line)
    return "".join(out)


def tracked(items: Sequence[T], enabled: bool, stream: IO[str]) -> Iterator[T]:
    """Yield `items`, drawing a transient progress bar on `stream` when `enabled`."""
    if not enabled:
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(file=stream, stderr=True)
    columns = (TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TextColumn("files"))
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("files", total=len(items))
        for item in items:
            yield item
            progress.advance(task)
