"""What a correct fix looks like, checked independently of the engine.

A fix may only (a) rewrite a value to IMMUTABLE on its own line, (b) insert an
`ImageTagMutability: IMMUTABLE` member inside a line (flow mapping, `{}`, `~`), (c) add whole
lines holding that member, a `Properties` key and (JSON) its closing brace, and (d) give the
line before such added lines the comma (JSON) or line ending (no final newline) they need.
Every other line stays byte for byte. The loaded data is compared with PyYAML (an other
parser than the engine's) and deepdiff: only the intended paths may change.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import yaml
from deepdiff import DeepDiff

KEY = r"""(?:ImageTagMutability|"ImageTagMutability"|'ImageTagMutability')"""
VALUE = r"""(?:IMMUTABLE|"IMMUTABLE"|'IMMUTABLE')"""
PROPS = r"""(?:Properties|"Properties"|'Properties')"""
MEMBER = rf"{KEY}[ \t]*:[ \t]*{VALUE}"

# Whole added lines (without their line ending).
KEY_LINE = re.compile(rf"[ \t]*{MEMBER},?")
PROPERTIES_LINE = re.compile(rf"[ \t]*{PROPS}[ \t]*:[ \t]*\{{?")
CLOSE_LINE = re.compile(r"[ \t]*\},?")
# What one changed line may gain (`new`) in place of what it had (`old`).
OLD_VALUE = re.compile(r"""(["']?)[A-Za-z_]*\1|~""")
NEW_VALUE = re.compile(rf"[ \t]*{VALUE}[ \t]*")
# an inserted member, with the one comma that separates it from a neighbour
NEW_MEMBER = re.compile(
    rf"[ \t]*,?[ \t]*(?:{MEMBER}|{PROPS}[ \t]*:[ \t]*\{{[ \t]*{MEMBER}[ \t]*\}})[ \t]*,?[ \t]*"
)
NEW_MAPPING = re.compile(rf"\{{[ \t]*{MEMBER}[ \t]*\}}")
NULLS = ("~", "null", "Null", "NULL")

REWRITE, INLINE, KEY_ADDED, PROPERTIES_ADDED, CLOSE_ADDED = (
    "rewrite",
    "inline",
    "key line",
    "Properties line",
    "closing line",
)
COMMA, EOL = "comma", "line ending"


class Unintended(AssertionError):
    pass


def _split_eol(line: str) -> tuple[str, str]:
    for eol in ("\r\n", "\n"):
        if line.endswith(eol):
            return line[: -len(eol)], eol
    return line, ""


_TOKEN = re.compile(r"\w+|\s+|.", re.DOTALL)  # words are never cut in two


def _chunk_kind(was: str, now: str) -> str | None:
    if was == "" and now == ",":
        return COMMA
    if was != now and OLD_VALUE.fullmatch(was) and NEW_VALUE.fullmatch(now):
        return REWRITE if now == now.strip() or not was else None
    if was == "" and NEW_MEMBER.fullmatch(now) and now.count(",") <= 1:
        return INLINE
    if was in (*NULLS, "") and NEW_MAPPING.fullmatch(now.strip()):
        return INLINE
    return None


def line_changes(old_line: str, new_line: str) -> list[str] | None:
    """The kinds of the allowed changes that turn one line into another, or None."""
    old, old_eol = _split_eol(old_line)
    new, new_eol = _split_eol(new_line)
    if old == new and not old_eol and new_eol:
        return [EOL]  # the last line gains the line ending that lines added after it need
    if old_eol != new_eol:
        return None
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    chunks = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]
    kinds: list[str] = []
    first = 0
    while first < len(chunks):
        # the token diff may split one insertion around a brace it re-uses: join neighbours
        for last in range(first, len(chunks)):
            i1, i2 = chunks[first][0], chunks[last][1]
            j1, j2 = chunks[first][2], chunks[last][3]
            kind = _classify(old, a, i1, i2, b[j1:j2])
            if kind is not None:
                kinds.append(kind)
                first = last + 1
                break
        else:
            return None
    return kinds or None


def _classify(old: str, a: list[str], i1: int, i2: int, now_tokens: list[str]) -> str | None:
    was_tokens = a[i1:i2]
    while was_tokens and now_tokens and was_tokens[0] == now_tokens[0]:
        was_tokens, now_tokens, i1 = was_tokens[1:], now_tokens[1:], i1 + 1
    while was_tokens and now_tokens and was_tokens[-1] == now_tokens[-1]:
        was_tokens, now_tokens = was_tokens[:-1], now_tokens[:-1]
    was, now = "".join(was_tokens), "".join(now_tokens)
    if was or not now:
        return _chunk_kind(was, now)
    # An insertion can slide along equal characters (`", "P...}, "` is `, "P...}"`): try all.
    at = len("".join(a[:i1]))
    while at > 0 and old[at - 1] == now[-1]:
        at, now = at - 1, old[at - 1] + now[:-1]
    while True:
        kind = _chunk_kind("", now)
        if kind is not None or at >= len(old) or old[at] != now[0]:
            return kind
        at, now = at + 1, now[1:] + old[at]


def added_line(line: str) -> str | None:
    text, _ = _split_eol(line)
    if KEY_LINE.fullmatch(text):
        return KEY_ADDED
    if PROPERTIES_LINE.fullmatch(text):
        return PROPERTIES_ADDED
    if CLOSE_LINE.fullmatch(text):
        return CLOSE_ADDED
    return None


def _hunk_events(old: list[str], new: list[str], newline: str) -> list[str]:
    events: list[str] = []
    i = j = 0
    while j < len(new):
        kinds = line_changes(old[i], new[j]) if i < len(old) else None
        if kinds is not None:
            events += kinds
            i, j = i + 1, j + 1
            continue
        kind = added_line(new[j])
        if kind is None:
            break
        if _split_eol(new[j])[1] not in ("", newline):
            raise Unintended(f"added line {new[j]!r} does not end like the file's lines")
        events.append(kind)
        j += 1
    if i != len(old) or j != len(new):
        raise Unintended(
            "unintended change:\n"
            + "".join(f"- {line!r}\n" for line in old)
            + "".join(f"+ {line!r}\n" for line in new)
        )
    for kind, then in zip(events, [*events[1:], None], strict=True):
        if (kind, then) in ((COMMA, PROPERTIES_ADDED), (EOL, PROPERTIES_ADDED), (EOL, KEY_ADDED)):
            continue
        if kind in (COMMA, EOL):
            raise Unintended(f"a {kind} was added to a line that no added member follows")
    return events


def diff_events(before: str, after: str, newline: str) -> Counter[str]:
    """Every change between two texts, by kind; raises Unintended for anything else."""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    events: Counter[str] = Counter()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "delete":
            raise Unintended(f"lines removed: {a[i1:i2]!r}")
        events.update(_hunk_events(a[i1:i2], b[j1:j2], newline))
    return events


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's loader: PyYAML's pure one refuses a tab between tokens, as ruamel's does."""


def _tagged(loader: Any, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {"!" + suffix: value}


_Loader.add_multi_constructor("!", _tagged)


def load(text: str) -> list[Any]:
    """Every document of a template, loaded by PyYAML (or json for a JSON file)."""
    body = text.removeprefix("\ufeff")
    if body.lstrip()[:1] in ("{", "["):
        try:
            return [json.loads(body)]
        except json.JSONDecodeError:
            pass  # YAML flow style that is not JSON
    return [doc for doc in yaml.load_all(body, Loader=_Loader) if doc is not None]


def assert_only_intended_data(
    before: list[Any], after: list[Any], repositories: Iterable[tuple[int, str]]
) -> None:
    """deepdiff of the loaded documents names only the fixed repositories' tag mutability."""
    fixed = set(repositories)
    allowed: set[tuple[Any, ...]] = set()
    for doc, name in fixed:
        allowed.add((doc, "Resources", name, "Properties", "ImageTagMutability"))
        props = before[doc]["Resources"][name].get("Properties")
        if not props:  # missing, null or {}: the whole Properties value is new
            allowed.add((doc, "Resources", name, "Properties"))
        assert after[doc]["Resources"][name]["Properties"]["ImageTagMutability"] == "IMMUTABLE"
    diff = DeepDiff(before, after, view="tree")
    changed = {tuple(item.path(output_format="list")) for items in diff.values() for item in items}
    assert changed <= allowed, f"unintended data changes: {sorted(map(str, changed - allowed))}"
    touched = {(path[0], path[2]) for path in changed}
    assert touched == fixed, f"changed {sorted(touched)}, fixed {sorted(fixed)}"
