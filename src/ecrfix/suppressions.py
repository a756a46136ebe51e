"""Suppressions people already write: KICS and checkov comments and Metadata, and ecrfix's own.

The composer drops comments, so they are found in the text lines; a `#` counts only where
YAML starts a comment (at a line start or after a space) outside every scalar, so a `#`
inside a quoted string or a block scalar is never taken for one.
"""

from __future__ import annotations

import bisect
import re

from ecrfix import QUERY_ID
from ecrfix.extent import last_line
from ecrfix.model import PROPERTY
from ecrfix.nodes import MappingNode, Node, ScalarNode, SequenceNode, entries, key_text

CHECKOV_ID = "CKV_AWS_51"
_DIRECTIVE = re.compile(r"kics-scan|checkov:skip|bridgecrew:skip|ecrfix\s*:", re.IGNORECASE)
_DIRECTIVE_WORDS = ("kics-scan", "checkov:skip", "bridgecrew:skip", "ecrfix")
# re's IGNORECASE equates these with ASCII letters (i, s); str.lower() leaves them be
_FOLDED_APART = ("\u0131", "\u017f")
_KICS = re.compile(r"#\s*kics-scan\b(.*)", re.IGNORECASE)
_CHECKOV = re.compile(r"(?:checkov|bridgecrew):skip=\s*([A-Za-z_\d]+)(?::(.*))?")
_ECRFIX = re.compile(r"#\s*ecrfix\s*:\s*ignore\b[\s:-]*(.*)")
_BOOL = "tag:yaml.org,2002:bool"


def _holds_directive(text: str) -> bool:
    """`_DIRECTIVE.search(text)`, without running the case-blind regex over every
    character of a file that names no directive (a tenth of a second for 4 MB)."""
    if not any(letter in text for letter in _FOLDED_APART):
        lowered = text.lower()
        if not any(word in lowered for word in _DIRECTIVE_WORDS):
            return False
    return _DIRECTIVE.search(text) is not None


class Suppressor:
    """Answers, for one template document, whether a repository or a line is suppressed."""

    def __init__(self, text: str, base: int, doc: Node) -> None:
        self.body = text[base:]
        self.doc = doc
        self.lines = self.body.split("\n")
        self.comments: dict[int, str] = {}  # 0-based line -> comment text, for directives
        self.file_reason = ""
        if _holds_directive(self.body):
            self._scan_comments()
            self.file_reason = self._file_reason()
        self._ignored_lines: dict[int, str] | None = None

    def resource_reason(self, logical_key: Node, resource: MappingNode) -> str:
        """Why the findings of this resource are suppressed ("" when they are not)."""
        if self.file_reason:
            return self.file_reason
        if self.comments:
            first = int(logical_key.start_mark.line)
            last = last_line(self.body, resource)
            reason = (
                self.line_reason(_kics_line(logical_key, resource) + 1)
                or self._checkov_comment(first, last)
                or self._ecrfix_comment(first, last)
            )
            if reason:
                return reason
        return _checkov_metadata(resource) or _ecrfix_metadata(resource)

    def line_reason(self, line: int) -> str:
        """Why a finding reported on `line` (1-based) is suppressed by a KICS line rule."""
        if not self.comments:
            return ""
        if self._ignored_lines is None:
            self._ignored_lines = self._kics_ignored_lines()
        return self._ignored_lines.get(line - 1, "")

    def _scan_comments(self) -> None:
        spans = sorted(_scalar_spans(self.doc))
        starts = [s for s, _ in spans]
        offset = 0
        for number, line in enumerate(self.lines):
            if _DIRECTIVE.search(line):
                at = _comment_start(line, offset, spans, starts)
                if at is not None and _DIRECTIVE.search(line, at):
                    self.comments[number] = line[at:].rstrip("\r")
            offset += len(line) + 1

    def _is_comment_only(self, number: int) -> bool:
        return self.lines[number].lstrip(" \t\ufeff").startswith("#")

    def _file_reason(self) -> str:
        """KICS reads `ignore`, `enable=` and `disable=` only in the comments that open a file."""
        enabled: set[str] | None = None
        disabled: set[str] = set()
        for number, line in enumerate(self.lines):
            stripped = line.strip(" \t\r\ufeff")
            if stripped and not stripped.startswith("#"):
                break
            match = _KICS.match(self.comments.get(number, ""))
            fields = match.group(1).split() if match else []
            command, _, ids = (fields[0].lower() if fields else "").partition("=")
            if command == "ignore":
                return f"'# kics-scan ignore' on line {number + 1}"
            listed = {i.strip() for i in ids.lower().split(",") if i.strip()}
            if command == "enable":
                enabled = (enabled or set()) | listed
            elif command == "disable":
                disabled |= listed
        if enabled is not None and QUERY_ID not in enabled:
            return "'# kics-scan enable=...' at the top of the file does not list this query"
        if enabled is None and QUERY_ID in disabled:
            return f"'# kics-scan disable={QUERY_ID}' at the top of the file"
        return ""

    def _next_content_line(self, number: int) -> int | None:
        for after in range(number + 1, len(self.lines)):
            stripped = self.lines[after].strip(" \t\r")
            if stripped and not stripped.startswith("#"):
                return after
        return None

    def _kics_ignored_lines(self) -> dict[int, str]:
        ignored: dict[int, str] = {}
        for number in sorted(self.comments, reverse=True):  # the first comment's reason wins
            match = _KICS.match(self.comments[number])
            fields = match.group(1).lower().split() if match else []
            target = self._next_content_line(number)
            if not self._is_comment_only(number) or target is None:
                continue
            if "ignore-block" in fields:
                end = _block_end(self.body, self.doc, target)
                reason = f"'# kics-scan ignore-block' on line {number + 1}"
                ignored.update(dict.fromkeys(range(number, max(end, target) + 1), reason))
            elif "ignore-line" in fields:
                reason = f"'# kics-scan ignore-line' on line {number + 1}"
                ignored.update(dict.fromkeys((number, target), reason))
        return ignored

    def _checkov_comment(self, first: int, last: int) -> str:
        for number in range(first, last + 1):
            match = _CHECKOV.search(self.comments.get(number, ""))
            if match and match.group(1) == CHECKOV_ID:
                where = f"'# checkov:skip={CHECKOV_ID}' on line {number + 1}"
                return _with_reason(where, match.group(2))
        return ""

    def _ecrfix_comment(self, first: int, last: int) -> str:
        above = first
        while above > 0 and self._is_comment_only(above - 1):
            above -= 1
        for number in range(above, last + 1):
            match = _ECRFIX.search(self.comments.get(number, ""))
            if match:
                return _with_reason(f"'# ecrfix: ignore' on line {number + 1}", match.group(1))
        return ""


def _with_reason(where: str, reason: str | None) -> str:
    reason = (reason or "").strip()
    return f"{where}: {reason}" if reason else where


def _comment_start(
    line: str, offset: int, spans: list[tuple[int, int]], starts: list[int]
) -> int | None:
    at = line.find("#")
    while at != -1:
        if at == 0 or line[at - 1] in " \t\ufeff":
            i = bisect.bisect_right(starts, offset + at) - 1
            if i < 0 or not spans[i][0] <= offset + at < spans[i][1]:
                return at
        at = line.find("#", at + 1)
    return None


def _scalar_spans(doc: Node) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    seen: set[int] = set()
    stack = [doc]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            spans.append((int(node.start_mark.index), int(node.end_mark.index)))
        elif isinstance(node, MappingNode):
            stack += [n for pair in node.value for n in pair]
        elif isinstance(node, SequenceNode):
            stack += node.value
    return spans


def _kics_line(logical_key: Node, resource: MappingNode) -> int:
    """The 0-based line KICS reports for this resource."""
    props = entries(resource, "Properties")
    if not props:
        return int(logical_key.start_mark.line)
    value = props[-1][1]
    found = entries(value, PROPERTY) if isinstance(value, MappingNode) else []
    return int((found[-1][0] if found else props[-1][0]).start_mark.line)


def _block_end(body: str, doc: Node, line: int) -> int:
    """Last line of the shallowest mapping member or list item that starts on `line`."""
    level: list[Node] = [doc]
    while level:
        following: list[Node] = []
        for node in level:
            if isinstance(node, MappingNode):
                for key, value in node.value:
                    if int(key.start_mark.line) == line:
                        return max(line, last_line(body, value))
                    following.append(value)
            elif isinstance(node, SequenceNode):
                for item in node.value:
                    if int(item.start_mark.line) == line:
                        return last_line(body, item)
                    following.append(item)
        level = following
    return line


def _checkov_metadata(resource: MappingNode) -> str:
    for skip in _metadata_list(resource, "checkov", "skip"):
        found = {key_text(k): v for k, v in skip.value} if isinstance(skip, MappingNode) else {}
        check = found.get("id")
        if isinstance(check, ScalarNode) and check.value == CHECKOV_ID:
            comment = found.get("comment")
            reason = str(comment.value) if isinstance(comment, ScalarNode) else ""
            return _with_reason(f"Metadata checkov skip {CHECKOV_ID}", reason)
    return ""


def _ecrfix_metadata(resource: MappingNode) -> str:
    ignore = _metadata_value(resource, "ecrfix", "ignore")
    if not isinstance(ignore, ScalarNode):
        return ""
    if ignore.tag == _BOOL:
        return "Metadata ecrfix ignore" if str(ignore.value).lower() == "true" else ""
    reason = str(ignore.value).strip()
    return _with_reason("Metadata ecrfix ignore", reason) if reason else ""


def _metadata_value(resource: MappingNode, tool: str, key: str) -> Node | None:
    node: Node = resource
    for name in ("Metadata", tool, key):
        found = entries(node, name) if isinstance(node, MappingNode) else []
        if not found:
            return None
        node = found[-1][1]
    return node


def _metadata_list(resource: MappingNode, tool: str, key: str) -> list[Node]:
    node = _metadata_value(resource, tool, key)
    return list(node.value) if isinstance(node, SequenceNode) else []
