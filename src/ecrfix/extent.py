from __future__ import annotations

from ecrfix.nodes import MappingNode, Node, ScalarNode, SequenceNode, is_flow


def last_index(body: str, node: Node) -> int | None:
    """Index in `body` of the last character that belongs to `node`, or None if it has none.

    The end mark of a block collection or block scalar lies past trailing blank and comment
    lines, so a block collection ends where its last item ends and a scalar where its last
    non-blank character is.
    """
    start, end = int(node.start_mark.index), int(node.end_mark.index)
    if isinstance(node, ScalarNode):
        written = body[start:end].rstrip()
        return start + len(written) - 1 if written else None
    if is_flow(node) or not node.value:
        return end - 1 if end > start else None
    if isinstance(node, SequenceNode):
        return last_index(body, node.value[-1])
    assert isinstance(node, MappingNode)
    key, value = node.value[-1]
    found = last_index(body, value)
    if found is None or found < int(key.end_mark.index):  # empty value, or an alias
        return last_index(body, key)
    return found


def last_line(body: str, node: Node) -> int:
    """0-based line of the last character of `node` (its first line when it has none)."""
    index = last_index(body, node)
    if index is None:
        return int(node.start_mark.line)
    return body.count("\n", 0, index)
