"""Edits that remove a member from a mapping or add an item to a list, in any layout."""

from __future__ import annotations

import re

from ecrfix.edits import Edit
from ecrfix.extent import last_index
from ecrfix.fixes import Ctx, Unfixable
from ecrfix.nodes import MappingNode, Node, SequenceNode, is_flow, quote_of
from ecrfix.source import line_bounds

_COMMA = re.compile(r"\s*,\s*")
_ITEM_PREFIX = re.compile(r"[ \t]*-[ \t]+")


def remove_member(ctx: Ctx, mapping: MappingNode, key: Node) -> Edit:
    """Remove `key` and its value, with their lines in a block mapping (no blank line is
    left) or with one separating comma in a flow mapping or JSON object."""
    index = next(i for i, (k, _) in enumerate(mapping.value) if k is key)
    value = mapping.value[index][1]
    if ctx.start(value) < ctx.end(key):
        raise Unfixable("the value is an alias")
    if is_flow(mapping):
        return _remove_flow_member(ctx, mapping, index)
    ctx.indent_of(key)  # the key must start its line
    start = ctx.text.rfind("\n", 0, ctx.start(key)) + 1
    last = last_index(ctx.text[ctx.base :], value)
    end_of_value = ctx.end(key) if last is None else last + ctx.base
    _, line_end, eol = line_bounds(ctx.text, end_of_value)
    if eol:
        return Edit(start, line_end + len(eol), "")
    if start == 0:
        raise Unfixable("the mapping has nothing else on its lines")
    previous_eol = 2 if ctx.text[start - 2 : start] == "\r\n" else 1
    return Edit(start - previous_eol, line_end, "")


def _remove_flow_member(ctx: Ctx, mapping: MappingNode, index: int) -> Edit:
    members = mapping.value
    key, value = members[index]
    if index + 1 < len(members):
        start, end = ctx.start(key), ctx.start(members[index + 1][0])
        between = ctx.text[ctx.end(value) : end]
    elif index > 0:
        start, end = ctx.end(members[index - 1][1]), ctx.end(value)
        between = ctx.text[start : ctx.start(key)]
    else:
        raise Unfixable("the mapping has no other member")
    if not _COMMA.fullmatch(between):
        raise Unfixable("comments or unusual layout inside the flow mapping")
    return Edit(start, end, "")


def append_item(ctx: Ctx, sequence: SequenceNode, text: str) -> Edit:
    """`text` as a new last item, quoted and laid out like the items already there."""
    items = sequence.value
    if not items:
        raise Unfixable("the list is empty")
    last = items[-1]
    quote = '"' if ctx.json else quote_of(last)
    if not is_flow(sequence):
        line_start = ctx.text.rfind("\n", 0, ctx.start(last)) + 1
        prefix = ctx.text[line_start : ctx.start(last)]
        if not _ITEM_PREFIX.fullmatch(prefix):
            raise Unfixable("unusual layout of the list")
        end = last_index(ctx.text[ctx.base :], last)
        _, line_end, eol = line_bounds(ctx.text, ctx.start(last) if end is None else end + ctx.base)
        return Edit(line_end, line_end, (eol or ctx.newline) + prefix + quote + text + quote)
    if len(items) > 1:
        separator = ctx.text[ctx.end(items[-2]) : ctx.start(last)]
    else:
        bracket = ctx.text.rfind("[", 0, ctx.start(last))
        space = ctx.text[bracket + 1 : ctx.start(last)]
        # `[x]` alone says nothing of its file's spacing: a space after the colon before it does
        spaced = space or not ctx.json or ctx.text[bracket - 1 : bracket] in (" ", "\t")
        separator = "," + space if "\n" in space else (", " if spaced else ",")
    if not _COMMA.fullmatch(separator):
        raise Unfixable("comments or unusual layout inside the list")
    return Edit(ctx.end(last), ctx.end(last), separator + quote + text + quote)
