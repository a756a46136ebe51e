from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import NamedTuple

from ecrfix.edits import Edit
from ecrfix.nodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    is_flow,
    is_plain_string,
    quote_of,
)
from ecrfix.source import line_bounds

_PROPERTIES_PREFIX = re.compile(r"(?:[&!]\S*\s+)*")  # anchors and tags before a scalar
_SEPARATOR = re.compile(r"[ \t]*,[ \t]*")
_SAMPLED_NODES = 20_000  # enough to meet a flow collection in any real template


class Unfixable(Exception):
    """The finding is real but no safe text edit exists for this layout."""


class Ctx(NamedTuple):
    text: str
    base: int  # offset of the composed body in `text` (1 when the file has a BOM)
    newline: str
    json: bool
    documents: tuple[Node, ...] = ()  # where the file's own separator style is looked up

    def start(self, node: Node) -> int:
        return int(node.start_mark.index) + self.base

    def end(self, node: Node) -> int:
        return int(node.end_mark.index) + self.base

    def indent_of(self, node: Node) -> str:
        pos = self.start(node)
        line_start = self.text.rfind("\n", 0, pos) + 1
        indent = self.text[line_start:pos]
        if indent.strip(" \t"):
            raise Unfixable("the key does not start its line")
        return indent

    def eol_at(self, pos: int) -> str:
        return line_bounds(self.text, pos)[2] or self.newline


def flow_separator(ctx: Ctx) -> str | None:
    """The `,` and spaces between the items of the file's first flow collection that has two.

    A one-member mapping has no separator of its own to copy; the file's style is the best
    guess (`{"a":1,"b": 2}` minified JSON puts no space after its commas).
    """
    seen: set[int] = set()
    stack = list(reversed(ctx.documents))
    while stack and len(seen) < _SAMPLED_NODES:
        node = stack.pop()
        if id(node) in seen:
            continue  # an alias
        seen.add(id(node))
        if isinstance(node, MappingNode):
            items = [n for pair in node.value for n in pair]
            pairs = [(v, k) for (_, v), (k, _) in itertools.pairwise(node.value)]
        elif isinstance(node, SequenceNode):
            items = list(node.value)
            pairs = list(itertools.pairwise(items))
        else:
            continue
        if is_flow(node):
            for before, after in pairs:
                between = ctx.text[ctx.end(before) : ctx.start(after)]
                if _SEPARATOR.fullmatch(between):
                    return between
        stack += reversed(items)
    return None


def member(key: str, value: str, key_quote: str, value_quote: str, colon: str = ": ") -> str:
    return f"{key_quote}{key}{key_quote}{colon}{value_quote}{value}{value_quote}"


def replace_scalar(ctx: Ctx, node: Node, value: str) -> Edit:
    """Rewrite a scalar in place, keeping its quotes, anchor and tag."""
    if not isinstance(node, ScalarNode):
        raise Unfixable("the value is not a scalar")
    start, end = ctx.start(node), ctx.end(node)
    raw = ctx.text[start:end]
    prefix = _PROPERTIES_PREFIX.match(raw)
    skip = prefix.end() if prefix else 0
    if raw[skip : skip + 1] in ("|", ">"):
        return _replace_block_scalar(ctx, node, start + skip, raw[skip:], value)
    if "\n" in raw[skip:]:
        raise Unfixable("the value spans several lines")
    quote = quote_of(node)
    return Edit(start + skip, end, f"{quote}{value}{quote}")


def _replace_block_scalar(ctx: Ctx, node: ScalarNode, start: int, raw: str, value: str) -> Edit:
    # `>-` / `|` with a single line of content: only that line's text changes
    content = str(node.value).strip()
    header_end = raw.find("\n")
    if not content or "\n" in content or header_end == -1:
        raise Unfixable("the value is a multi-line block scalar")
    at = raw.find(content, header_end)
    if at == -1 or raw.find(content, at + 1) != -1:
        raise Unfixable("the value is a block scalar with an unusual layout")
    return Edit(start + at, start + at + len(content), value)


def value_quote(ctx: Ctx, mapping: MappingNode) -> str:
    if ctx.json:
        return '"'
    for _, value in mapping.value:
        if is_plain_string(value):
            return quote_of(value)
    return ""


def insert_block_line(ctx: Ctx, before_key: Node, line: str) -> Edit:
    """A new line just above `before_key`, and above the comment lines that belong to it."""
    indent = ctx.indent_of(before_key)
    pos = ctx.text.rfind("\n", 0, ctx.start(before_key)) + 1
    while pos > 0:
        prev_start, prev_end, _ = line_bounds(ctx.text, pos - 1)
        prev = ctx.text[prev_start:prev_end]
        if not (prev.lstrip(" \t").startswith("#") and prev.startswith(indent)):
            break
        if prev[len(indent) : len(indent) + 1] in (" ", "\t"):
            break  # a comment indented deeper belongs to the previous value
        pos = prev_start
    return Edit(pos, pos, indent + line + ctx.eol_at(ctx.start(before_key)))


def insert_flow_first(ctx: Ctx, mapping: MappingNode, key: str, value: str) -> Edit:
    text = ctx.text
    first_key, first_value = mapping.value[0]
    brace = text.find("{", ctx.start(mapping))
    ws = text[brace + 1 : ctx.start(first_key)]
    colon = text[ctx.end(first_key) : ctx.start(first_value)]
    if ws.strip() or colon.strip() != ":":
        raise Unfixable("comments or unusual layout inside the flow mapping")
    if len(mapping.value) > 1:
        sep = text[ctx.end(first_value) : ctx.start(mapping.value[1][0])]
        if sep.strip() != ",":
            raise Unfixable("comments or unusual layout inside the flow mapping")
    elif "\n" in ws:
        sep = "," + ws
    else:
        sep = flow_separator(ctx) or (", " if (ws or colon.endswith(" ")) else ",")
    new = member(key, value, quote_of(first_key), value_quote(ctx, mapping), colon)
    at = ctx.start(first_key)
    return Edit(at, at, new + sep)


def fill_empty_flow(ctx: Ctx, mapping: MappingNode, line: str, unit: Callable[[], str]) -> Edit:
    """`{}` or `{ }` becomes `{Key: Value}` / `{ Key: Value }`; an empty object that spans
    lines gains the member on a line of its own, indented one `unit` past its closing brace."""
    start, end = ctx.start(mapping), ctx.end(mapping)
    brace = ctx.text.find("{", start)
    inner = ctx.text[brace + 1 : end - 1]
    if inner.strip():
        raise Unfixable("comments inside an empty flow mapping")
    if "\n" in inner:
        closing_indent = inner[inner.rfind("\n") + 1 :]
        eol = ctx.eol_at(brace)
        return Edit(brace + 1, brace + 1, eol + closing_indent + unit() + line)
    pad = " " if inner else ""
    return Edit(brace, end, "{" + pad + line + pad + "}")


def replace_null_with_mapping(ctx: Ctx, node: Node, line: str) -> Edit:
    start, end = ctx.start(node), ctx.end(node)
    raw = ctx.text[start:end]
    prefix = _PROPERTIES_PREFIX.match(raw)
    skip = prefix.end() if prefix else 0
    return Edit(start + skip, end, "{" + line + "}")


def insert_after_line_of(ctx: Ctx, node: Node, lines: list[str]) -> Edit:
    """New lines after the line that holds the end of `node` (after any comment on it)."""
    _, line_end, eol = line_bounds(ctx.text, max(ctx.end(node) - 1, ctx.start(node)))
    eol = eol or ctx.newline
    return Edit(line_end, line_end, "".join(eol + line for line in lines))


def indent_unit(ctx: Ctx, outer_key: Node, inner_key: Node) -> str:
    inner = ctx.indent_of(inner_key)
    try:
        outer = ctx.indent_of(outer_key)
    except Unfixable:  # `{"Repo": {` on one line: no step to measure
        outer = inner
    if inner.startswith(outer) and len(inner) > len(outer):
        return inner[len(outer) :]
    return "\t" if "\t" in inner else "  "


def insert_flow_member_after(
    ctx: Ctx, key: Node, value: Node, new_key: str, build_value: str
) -> Edit:
    """A new member right after `key: value` in a flow mapping or JSON object."""
    text = ctx.text
    ws_start = ctx.start(key)
    while ws_start > 0 and text[ws_start - 1] in " \t\r\n":
        ws_start -= 1
    if ws_start == 0 or text[ws_start - 1] not in "{,":
        raise Unfixable("comments or unusual layout inside the flow mapping")
    ws = text[ws_start : ctx.start(key)]
    colon = text[ctx.end(key) : ctx.start(value)]
    if colon.strip() != ":":
        raise Unfixable("unusual layout inside the flow mapping")
    sep = "," + ws if ws else flow_separator(ctx) or ("," if colon == ":" else ", ")
    quote = quote_of(key)
    return Edit(ctx.end(value), ctx.end(value), f"{sep}{quote}{new_key}{quote}{colon}{build_value}")
