from __future__ import annotations

from typing import Any

from ecrfix.errors import TemplateError
from ecrfix.limits import MAX_EXPANDED_NODES
from ecrfix.model import DELETE, Change
from ecrfix.nodes import NULL, STR, MappingNode, Node, ScalarNode, SequenceNode

_DEFAULT_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class Tagged:
    """A collection with an explicit tag (`!If [...]`), compared by tag and content."""

    __slots__ = ("tag", "value")

    def __init__(self, tag: str, value: Any) -> None:
        self.tag, self.value = tag, value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tagged) and (self.tag, self.value) == (other.tag, other.value)

    def __repr__(self) -> str:
        return f"{self.tag} {self.value!r}"

    __hash__ = None  # type: ignore[assignment]


class Loaded:
    """Node trees turned into plain Python values, CloudFormation-style: the last duplicate
    key wins, aliases are expanded (within a budget), tags are kept."""

    def __init__(self) -> None:
        self.budget = MAX_EXPANDED_NODES
        self.duplicates: list[tuple[str, int]] = []
        # a node's tag is text made anew at every read (a microsecond); the composer shares
        # one tag object between the nodes of a kind, so its text is kept by identity (with
        # the object, so that its id cannot be reused while it is a key)
        self.tags: dict[int, tuple[object, str]] = {}

    def tag_of(self, node: Node) -> str:
        tag = node.ctag
        known = self.tags.get(id(tag))
        if known is None:
            known = self.tags[id(tag)] = (tag, str(tag))
        return known[1]

    def load(self, node: Node) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise TemplateError("too many alias expansions (a YAML alias bomb?)")
        tag = self.tag_of(node)
        if isinstance(node, ScalarNode):
            if tag == STR:
                return node.value
            if tag == NULL:
                return None
            return (tag, node.value)
        if isinstance(node, SequenceNode):
            value: Any = [self.load(item) for item in node.value]
        elif isinstance(node, MappingNode):
            value = {}
            for key_node, value_node in node.value:
                # keys are compared as written: CloudFormation reads `Null:` as the id "Null"
                key = (
                    key_node.value
                    if isinstance(key_node, ScalarNode)
                    else repr(self.load(key_node))
                )
                if key in value:
                    self.duplicates.append((str(key), key_node.start_mark.line + 1))
                value[key] = self.load(value_node)
        else:  # pragma: no cover - the composer makes no other node kinds
            raise TypeError(type(node))
        return value if tag in _DEFAULT_TAGS else Tagged(tag, value)


def apply_changes(documents: list[Any], changes: list[Change]) -> None:
    for change in changes:
        target: Any = documents
        *parents, last = change.path
        for item in parents:
            target = _descend(target)[item]
        target = _descend(target)
        if change.value is DELETE:
            del target[last]
        else:
            target[last] = change.value


def _descend(value: Any) -> Any:
    return value.value if isinstance(value, Tagged) else value


def explain(expected: Any, actual: Any) -> str:
    """Name the unintended differences, most specific first, for an unfixable reason."""
    from deepdiff import DeepDiff  # only imported on the rare failure path

    try:
        diff = DeepDiff(expected, actual, view="tree")
    except RecursionError:  # deepdiff recurses several frames per level of nesting
        return "the fix would also change other values"
    paths = sorted({item.path() for items in diff.values() for item in items})
    shown = ", ".join(paths[:3]) + (" ..." if len(paths) > 3 else "")
    return f"the fix would also change {shown}"
