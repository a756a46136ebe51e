"""libyaml's composer is stopped past MAX_DEPTH levels, before its C recursion can
overflow the stack; check_graph then holds the composed documents to the same depth."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ecrfix import compose
from ecrfix.compose import compose_documents
from ecrfix.limits import MAX_DEPTH, TooDeep
from ecrfix.nodes import Node, ScalarNode, SequenceNode

PREFIX = "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Metadata: "  # 3 levels


def _flow(levels: int, inner: str = "x") -> str:
    """A template whose deepest collection is `levels` deep, on line 4."""
    nested = levels - 3
    return PREFIX + "[" * nested + inner + "]" * nested + "\n"


def _collection_depth(node: Node) -> int:
    if isinstance(node, ScalarNode):
        return 0
    children = node.value if isinstance(node, SequenceNode) else [v for _, v in node.value]
    return 1 + max(map(_collection_depth, children), default=0)


def test_the_deepest_allowed_nesting_composes() -> None:
    (doc,) = compose_documents(_flow(MAX_DEPTH))
    assert _collection_depth(doc) == MAX_DEPTH


@pytest.mark.parametrize("inner", ["x", ""], ids=["holding a scalar", "empty"])
def test_one_level_more_is_refused_at_its_line(inner: str) -> None:
    with pytest.raises(TooDeep, match=f"deeper than {MAX_DEPTH} levels") as caught:
        compose_documents(_flow(MAX_DEPTH + 1, inner))
    assert caught.value.line == 4


def test_the_composer_is_stopped_rather_than_measured_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    composed: list[int] = []
    descend = compose._OnceResolver.descend_resolver

    def counting(self: compose._OnceResolver, parent: object, index: object) -> None:
        composed.append(1)
        descend(self, parent, index)

    monkeypatch.setattr(compose._OnceResolver, "descend_resolver", counting)
    with pytest.raises(TooDeep):
        compose_documents(_flow(10_000))  # shallow enough not to crash without the stop
    assert len(composed) < 2 * MAX_DEPTH  # the path down and the keys beside it, not 10,000


def test_nesting_that_would_overflow_the_stack_is_an_error(tmp_path: Path) -> None:
    # 60,000 levels overflow an 8 MB stack in libyaml's composer (a segfault); run in its
    # own process, so that a crash fails this test rather than the whole run
    (tmp_path / "t.yaml").write_text(_flow(60_000))
    done = subprocess.run(
        [sys.executable, "-m", "ecrfix", "--check", "t.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert (
        done.stderr.splitlines()[0] == f"t.yaml:4: error: nesting is deeper than {MAX_DEPTH} levels"
    )
