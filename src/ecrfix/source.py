from __future__ import annotations

import re
from typing import NamedTuple

from ecrfix.errors import TemplateError

BOM = "\ufeff"
RESOURCE_MARKER = "AWS::ECR::"
# UTF-16 and UTF-32 files are refused, but only once found: the marker as they spell it.
_WIDE_MARKERS = tuple(
    RESOURCE_MARKER.encode(codec) for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|U([0-9a-fA-F]{8}))")


class Source(NamedTuple):
    text: str  # the whole decoded file, BOM included, so edits and diffs keep it
    bom: bool
    newline: str  # the file's first line ending; inserted lines copy the ending beside them

    @property
    def body_offset(self) -> int:
        return 1 if self.bom else 0

    @property
    def body(self) -> str:
        return self.text[self.body_offset :]


def may_hold_ecr(data: bytes) -> bool:
    # Checked on bytes so that most files of a repository are never decoded or parsed;
    # JSON and YAML escapes can spell the type without its literal bytes.
    if RESOURCE_MARKER.encode() in data:
        return True
    if b"\x00" in data and any(marker in data for marker in _WIDE_MARKERS):
        return True
    if b"\\" not in data:  # one byte is found 20x faster than the three escapes below
        return False
    if b"\\u" not in data and b"\\x" not in data and b"\\U" not in data:
        return False
    return _unescaped_holds(data)


def is_blank(data: bytes) -> bool:
    """True for a file with nothing but blank lines and comments (or nothing at all)."""
    for line in data.removeprefix(BOM.encode()).splitlines():
        content = line.lstrip(b" \t")
        if content and not content.startswith(b"#"):
            return False
    return True


def _unescaped_holds(data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace")

    def expand(match: re.Match[str]) -> str:
        return chr(int(next(g for g in match.groups() if g), 16))

    return RESOURCE_MARKER in _ESCAPE.sub(expand, text)


def decode(data: bytes) -> Source:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TemplateError("file is UTF-16 encoded; ecrfix reads UTF-8 only", 1)
    nul = data.find(b"\x00")
    if nul != -1:
        raise TemplateError(
            "file contains a NUL byte (binary or UTF-16/32 file?)", data.count(b"\n", 0, nul) + 1
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TemplateError(
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); ecrfix reads UTF-8 only",
            line,
        ) from None
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    return Source(text, text.startswith(BOM), newline)


def line_bounds(text: str, pos: int) -> tuple[int, int, str]:
    """Start and end (before the line ending) of the line holding `pos`, and that ending."""
    start = text.rfind("\n", 0, pos) + 1
    nl = text.find("\n", pos)
    if nl == -1:
        return start, len(text), ""
    if nl > start and text[nl - 1] == "\r":
        return start, nl - 1, "\r\n"
    return start, nl, "\n"
