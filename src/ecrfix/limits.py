"""Bounds on what a template may cost, so that hostile input gets an error, not a crash.

libyaml's composer recurses in C once per nesting level and overflows the stack somewhere
past 20,000 levels (a segmentation fault, not an exception); its parser slows down with
the square of the depth. The composer asks the resolver before it composes each node, so
the resolver stops it past MAX_DEPTH levels (compose.py), before either can happen. Each
composed document is then measured, without recursion, for the depth and alias expansion
that the recursive code after it (the verifier, deepdiff) would otherwise meet as a
RecursionError or an endless expansion.
"""

from __future__ import annotations

from ecrfix.errors import TemplateError
from ecrfix.nodes import Node, ScalarNode, SequenceNode

# CloudFormation templates nest a few dozen levels; the verifier recurses once per level.
MAX_DEPTH = 200
# A document whose aliases expand past this many nodes is an alias bomb ("billion laughs").
MAX_EXPANDED_NODES = 2_000_000


class TooDeep(TemplateError):
    """Nesting past MAX_DEPTH: final, not a reason to try the other composer."""


def too_deep(line: int | None, hint: str = "") -> TooDeep:
    return TooDeep(f"nesting is deeper than {MAX_DEPTH} levels{hint}", line)


def check_graph(documents: list[Node], has_aliases: bool = True) -> None:
    """Refuse documents nested deeper than MAX_DEPTH once aliases are expanded (an alias
    to one of its own ancestors nests without end) or expanding past MAX_EXPANDED_NODES.

    Walks collections level by level, without recursion; scalars are only counted.
    """
    level = [doc for doc in documents if not isinstance(doc, ScalarNode)]
    expanded = len(documents)
    for _ in range(MAX_DEPTH):
        if not level:
            return
        deeper: list[Node] = []
        for node in level:
            children = (
                node.value
                if isinstance(node, SequenceNode)
                else [item for pair in node.value for item in pair]
            )
            expanded += len(children)
            if expanded > MAX_EXPANDED_NODES:
                raise TemplateError(
                    f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
                    "(a YAML alias bomb?)",
                    _line(node),
                )
            deeper += [child for child in children if not isinstance(child, ScalarNode)]
        level = deeper
    if level:
        hint = " (or an alias refers to a collection that contains it)" if has_aliases else ""
        raise too_deep(_line(level[0]), hint)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1
