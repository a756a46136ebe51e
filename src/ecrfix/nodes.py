from __future__ import annotations

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["MappingNode", "Node", "ScalarNode", "SequenceNode"]

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"


def key_text(node: Node) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def entries(mapping: MappingNode, key: str) -> list[tuple[Node, Node]]:
    """Every (key, value) pair of `mapping` named `key`; more than one is a duplicate key."""
    return [(k, v) for k, v in mapping.value if isinstance(k, ScalarNode) and k.value == key]


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
