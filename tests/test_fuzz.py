"""A fuzzer: real templates, mutated (bytes flipped, text cut, tabs, BOMs, CRLF and odd
characters inserted, lines duplicated, dropped or swapped), go through `--write`.

Whatever the input: no exception escapes, a file is either left byte for byte or written
with exactly the intended change, checked here by loading both versions with ruamel's own
constructor (not ecrfix's verifier), and a second run changes nothing.

CI runs a fixed slice of 300 cases per seed set; a longer, randomised campaign is one
command:
    ECRFIX_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/test_fuzz.py \
        --hypothesis-show-statistics
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ecrfix.model import FIXED, Settings
from ecrfix.nodes import STR
from ecrfix.run import Mode, Target, process

from .conftest import GOLDEN, shared_dir

# CI runs the same slice every time; a campaign (ECRFIX_FUZZ_EXAMPLES set) explores new
# cases on each run and prints how to replay a failure.
CAMPAIGN = "ECRFIX_FUZZ_EXAMPLES" in os.environ
FUZZ = settings(
    max_examples=int(os.environ.get("ECRFIX_FUZZ_EXAMPLES", "300")),
    derandomize=not CAMPAIGN,
    print_blob=CAMPAIGN,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

GOLDEN_SEEDS = sorted(p.read_bytes() for p in GOLDEN.glob("*/input.*"))
INSERTS = [
    b"\t", b"\xef\xbb\xbf", b"\r\n", b"\r", b"\n", b"\x00", b" ", b"#", b":", b"- ", b"{",
    b"}", b"[", b"'", b'"', b"&a ", b"*a", b"!Ref ", b"\xff", b"\xc3", b"---\n", b"\\u0041",
    b"ImageTagMutability: MUTABLE\n", b"Properties:\n", b"~",
]  # fmt: skip


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _flip(data: bytes, at: int, mask: int) -> bytes:
    if not data:
        return data
    at %= len(data)
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1 :]


def _insert(data: bytes, at: int, what: bytes) -> bytes:
    at %= len(data) + 1
    return data[:at] + what + data[at:]


def _duplicate_line(data: bytes, at: int) -> bytes:
    lines = _lines(data)
    at %= len(lines)
    return b"".join([*lines[: at + 1], lines[at], *lines[at + 1 :]])


def _drop_line(data: bytes, at: int) -> bytes:
    lines = _lines(data)
    del lines[at % len(lines)]
    return b"".join(lines)


def _swap_lines(data: bytes, at: int, other: int) -> bytes:
    lines = _lines(data)
    i, j = at % len(lines), other % len(lines)
    lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines)


POSITION = st.integers(min_value=0, max_value=1 << 20)
MUTATIONS = st.one_of(
    st.tuples(st.just(_flip), POSITION, st.integers(1, 255)),
    st.tuples(st.just(lambda d, at: d[: at % (len(d) + 1)]), POSITION),  # truncate
    st.tuples(st.just(_insert), POSITION, st.sampled_from(INSERTS)),
    st.tuples(st.just(lambda d: d.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))),  # CRLF
    st.tuples(st.just(lambda d: b"\xef\xbb\xbf" + d)),  # a BOM
    st.tuples(st.just(_duplicate_line), POSITION),
    st.tuples(st.just(_drop_line), POSITION),
    st.tuples(st.just(_swap_lines), POSITION, POSITION),
)


@st.composite
def mutants(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = draw(st.sampled_from(seeds))
    for function, *args in draw(st.lists(MUTATIONS, min_size=1, max_size=3)):
        data = function(data, *args)
    return data


def _load(text: str) -> list[Any]:
    """Plain values, by ruamel's constructor; tags kept as ("!Tag", value) pairs, and a
    key that is a collection (valid YAML, unhashable in Python) as the text of its value."""
    for pure in (False, True):
        loader = YAML(typ="safe", pure=pure)
        loader.allow_duplicate_keys = True
        loader.constructor.add_multi_constructor("!", _tagged)
        for tag in _KEPT_AS_TEXT:
            loader.constructor.add_constructor(tag, _as_text)
        try:
            documents = [_hashable_keys(doc) for doc in loader.compose_all(text)]
            return [loader.constructor.construct_document(doc) for doc in documents]
        except Exception:  # the other parser may take it, as in ecrfix
            if pure:
                raise
    raise AssertionError("unreachable")


# scalars whose conversion can fail on a mutant (2012-13-17 is no date): kept as written
_KEPT_AS_TEXT = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary")


def _as_text(constructor: Any, node: Node) -> tuple[str, str]:
    return (str(node.tag), constructor.construct_scalar(node))


def _hashable_keys(node: Node) -> Node:
    if isinstance(node, SequenceNode):
        node.value = [_hashable_keys(item) for item in node.value]
    elif isinstance(node, MappingNode):
        node.value = [
            (
                key if isinstance(key, ScalarNode) else ScalarNode(STR, _text(key)),
                _hashable_keys(value),
            )
            for key, value in node.value
        ]
    return node


def _text(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return f"{node.tag} {node.value!r}"
    if isinstance(node, SequenceNode):
        return f"{node.tag} [{', '.join(_text(item) for item in node.value)}]"
    pairs = ", ".join(f"{_text(k)}: {_text(v)}" for k, v in node.value)
    return f"{node.tag} {{{pairs}}}"


def _tagged(constructor: Any, suffix: str, node: Node) -> tuple[str, Any]:
    if isinstance(node, ScalarNode):
        return ("!" + suffix, constructor.construct_scalar(node))
    if isinstance(node, SequenceNode):
        return ("!" + suffix, constructor.construct_sequence(node, deep=True))
    assert isinstance(node, MappingNode)
    return ("!" + suffix, constructor.construct_mapping(node, deep=True))


def _intended(before: list[Any], after: list[Any], fixed: list[tuple[int, str]]) -> None:
    """Outside the `ImageTagMutability` of each fixed repository nothing changed, and that
    value no longer holds a mutable literal: a plain `IMMUTABLE`, or an intrinsic whose
    literal branches were fixed. This is what the specification allows a fix to change."""
    expected, actual = copy.deepcopy(before), copy.deepcopy(after)
    seen: set[int] = set()  # Properties shared through an anchor are fixed once
    for document, resource in fixed:
        old = expected[document]["Resources"]
        old = old[_key_named(old, resource)]
        new = actual[document]["Resources"]
        new = new[_key_named(new, resource)]
        if not isinstance(old.get("Properties"), dict):
            old["Properties"] = {}
        old["Properties"].pop("ImageTagMutability", None)
        if id(new["Properties"]) in seen:
            continue
        seen.add(id(new["Properties"]))
        value = new["Properties"].pop("ImageTagMutability")
        assert value == "IMMUTABLE" or not isinstance(value, str), value
        assert not any(leaf.upper() == "MUTABLE" for leaf in _leaves(value)), value
    assert actual == expected


def _leaves(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    return []


def _key_named(mapping: dict[Any, Any], name: str) -> Any:
    """The key of `mapping` written `name`: the constructor makes `Null:` None, `1:` 1."""
    found = [k for k in mapping if k == name]
    if not found:
        implicit = _load(name)[0]
        found = [k for k in mapping if k == implicit]
    assert len(found) == 1, (name, list(mapping))
    return found[0]


def _write_and_judge(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    report = process(Target(str(path), True), Settings(), Mode.WRITE)
    written = path.read_bytes()
    if report.error is not None:
        event("error")
        assert report.error.message and written == data
        return
    if written == data:
        assert not report.changed, "a fix was reported but not written"
        event("left as it was")
        return
    event("fixed")
    assert written == report.fixed.encode("utf-8")
    fixed = [(int(f.changes[0].path[0]), f.resource) for f in report.findings if f.status == FIXED]
    assert fixed, "a file was written without a fixed finding"
    body = report.original.removeprefix("\ufeff")
    after = _load(report.fixed.removeprefix("\ufeff"))
    _intended(_load(body), after, fixed)
    again = process(Target(str(path), True), Settings(), Mode.WRITE)
    assert (again.changed, path.read_bytes()) == (False, written), "a second run changed it"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(data=mutants(GOLDEN_SEEDS), name=st.sampled_from(["t.yaml", "t.json", "t.template"]))
def test_fuzz_golden_inputs(scratch: Path, data: bytes, name: str) -> None:
    _write_and_judge(scratch / name, data)


@pytest.fixture(scope="module")
def corpus_seeds() -> list[bytes]:
    return sorted(p.read_bytes() for p in shared_dir("corpus", "ecr").iterdir())


@FUZZ
@given(draw=st.data())
def test_fuzz_corpus(scratch: Path, corpus_seeds: list[bytes], draw: st.DataObject) -> None:
    _write_and_judge(scratch / "t.yaml", draw.draw(mutants(corpus_seeds)))
