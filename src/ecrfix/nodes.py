from __future__ import annotations

from typing import TypeGuard

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ecrfix.errors import TemplateError

__all__ = ["MappingNode", "Node", "ScalarNode", "SequenceNode"]

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"


def key_text(node: Node) -> str | None:
    """The text of a key; None for a collection or a tagged key (`!Ref Name:` is no name)."""
    if not isinstance(node, ScalarNode) or _is_local_tag(node):
        return None
    return str(node.value)


def entries(mapping: MappingNode, key: str) -> list[tuple[Node, Node]]:
    """Every (key, value) pair of `mapping` named `key`; more than one is a duplicate key."""
    found: list[tuple[Node, Node]] = [
        (k, v) for k, v in mapping.value if isinstance(k, ScalarNode) and k.value == key
    ]
    for k, _ in found:
        if _is_local_tag(k):
            raise TemplateError(
                f"the key '{key}' carries the tag {k.tag}: ecrfix cannot tell what it means",
                k.start_mark.line + 1,
            )
    return found


def is_mapping(node: Node) -> TypeGuard[MappingNode]:
    """A plain mapping: a tagged one (`!Transform {...}`) is an intrinsic function's argument."""
    return isinstance(node, MappingNode) and not _is_local_tag(node)


def _is_local_tag(node: Node) -> bool:
    return str(node.tag or "").startswith("!")


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL


def is_plain_string(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == STR


def quote_of(node: Node) -> str:
    """The quote character of a scalar ('' for plain or block style)."""
    style = getattr(node, "style", None)
    return style if style in ('"', "'") else ""


def is_flow(node: Node) -> bool:
    return bool(getattr(node, "flow_style", False))
