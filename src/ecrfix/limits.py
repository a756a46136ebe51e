"""Bounds on what a template may cost, so that hostile input gets an error, not a crash.

libyaml's composer recurses in C once per nesting level and overflows the stack somewhere
past 20,000 levels (a segmentation fault, not an exception), so text that could nest that
deep is measured from its event stream, which libyaml produces without recursion, before
it is composed. Each composed document is then measured, without recursion, for the depth
and alias expansion that the recursive code after it (the verifier, deepdiff) would
otherwise meet as a RecursionError or an endless expansion.
"""

from __future__ import annotations

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

from ecrfix.errors import TemplateError
from ecrfix.nodes import Node, ScalarNode, SequenceNode

# CloudFormation templates nest a few dozen levels; the verifier recurses once per level.
MAX_DEPTH = 200
# A document whose aliases expand past this many nodes is an alias bomb ("billion laughs").
MAX_EXPANDED_NODES = 2_000_000
# Far below the depth at which libyaml's composer overflows an 8 MB stack.
_COMPOSER_SAFE_DEPTH = 5_000


def too_deep(line: int | None) -> TemplateError:
    return TemplateError(f"nesting is deeper than {MAX_DEPTH} levels", line)


def nesting_bound(body: str) -> int:
    """An upper bound on how deep `body` can nest: a nested block collection starts at a
    greater column (or, for a sequence under a key, at the same one), a flow one needs a
    bracket."""
    longest = max(map(len, body.split("\n")))
    return 2 * (longest + 1) + body.count("[") + body.count("{") + 1


def check_text_depth(body: str) -> None:
    """Refuse text that nests deeper than MAX_DEPTH, when it could crash libyaml's composer."""
    if nesting_bound(body) <= _COMPOSER_SAFE_DEPTH:
        return
    depth = 0
    try:
        for event in YAML(typ="safe", pure=False).parse(body):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise too_deep(int(event.start_mark.line) + 1)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        # The composers report the error; the pure one, which libyaml's failure falls
        # back to, recurses in Python and meets deep nesting as a RecursionError.
        return


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
        raise TemplateError(too_deep(_line(level[0])).message + hint, _line(level[0]))


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1
