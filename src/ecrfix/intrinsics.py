"""What an `ImageTagMutability` value can be once CloudFormation has resolved it.

A value resolves to leaves: strings written in the template (an `Fn::If` branch, a
`Fn::Select` item, a `Fn::Sub` without variables), `AWS::NoValue` (the property is left out,
so AWS applies MUTABLE), values shared with other readers (a parameter's `Default`, a
`Mappings` entry) and values known only at deployment. Nothing is guessed.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ecrfix.model import CREATION_TEMPLATE, PROPERTY, REPOSITORY, PathItem
from ecrfix.nodes import MappingNode, Node, ScalarNode, SequenceNode, entries, key_text

LITERAL = "literal"
OMITTED = "omitted"
SOURCE = "source"
CHOICE = "choice"  # one of the values a key known only at deployment can select
UNKNOWN = "unknown"

ECR_TYPES = frozenset({REPOSITORY, CREATION_TEMPLATE})
_MAX_DEPTH = 32
_MAX_WALK = 1_000_000
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")

Path = tuple[PathItem, ...]


class Source(NamedTuple):
    """A value that other parts of the template may read too."""

    label: str  # "parameter 'Mode'" or "Mappings.Env.prod.Tags"
    key: Node  # the key whose line a finding points at
    owner: MappingNode  # the parameter's declaration, or the mapping's second level
    parameter: str = ""
    entry: tuple[str, str, str] = ("", "", "")


class Leaf(NamedTuple):
    kind: str
    text: str  # the value, or what makes it unknown
    node: Node | None = None  # what a fix rewrites
    path: Path = ()  # that node's path in the loaded template, document index first
    via: str = ""  # the intrinsic function the value came through
    source: Source | None = None


class Call(NamedTuple):
    name: str  # "Ref", "Fn::If"...
    arg: Node
    path: Path  # the argument's path


def call_of(node: Node, path: Path) -> Call | None:
    """The intrinsic function `node` is, in short (`!If`) or long (`Fn::If:`) form."""
    tag = str(node.tag or "")
    if tag.startswith("!") and not tag.startswith("!!"):
        short = tag[1:]
        return Call(short if short in ("Ref", "Condition") else f"Fn::{short}", node, path)
    if isinstance(node, MappingNode) and len(node.value) == 1:
        key = key_text(node.value[0][0]) or ""
        if key == "Ref" or key.startswith("Fn::"):
            return Call(key, node.value[0][1], (*path, key))
    return None


def _items(call: Call) -> list[tuple[Node, Path]] | None:
    if not isinstance(call.arg, SequenceNode):
        return None
    return [(item, (*call.path, i)) for i, item in enumerate(call.arg.value)]


def _literal(node: Node) -> str | None:
    if isinstance(node, ScalarNode) and not str(node.tag).startswith("!"):
        return str(node.value)
    return None


def _section(doc: MappingNode, name: str) -> MappingNode | None:
    found = entries(doc, name)
    value = found[-1][1] if found else None
    return value if isinstance(value, MappingNode) else None


def _member(mapping: Node | None, name: str) -> tuple[Node, Node] | None:
    found = entries(mapping, name) if isinstance(mapping, MappingNode) else []
    return found[-1] if found else None


class Template:
    """One template document, for resolving values and finding who else reads them."""

    def __init__(self, doc_index: int, doc: MappingNode) -> None:
        self.index = doc_index
        self.doc = doc
        self.parameters = _section(doc, "Parameters")
        self.mappings = _section(doc, "Mappings")
        self.resources = _section(doc, "Resources")
        self._calls: list[tuple[Path, Call]] | None = None

    def resolve(self, node: Node, path: Path, via: str = "", depth: int = 0) -> list[Leaf]:
        if depth > _MAX_DEPTH:
            return [Leaf(UNKNOWN, "deeply nested intrinsic functions", via=via)]
        call = call_of(node, path)
        if call is None:
            if isinstance(node, ScalarNode):
                return [Leaf(LITERAL, str(node.value), node, path, via)]
            return [Leaf(UNKNOWN, "a list" if isinstance(node, SequenceNode) else "a mapping")]
        items = _items(call)
        if call.name == "Fn::If" and items and len(items) == 3:
            return [leaf for n, p in items[1:] for leaf in self.resolve(n, p, "Fn::If", depth + 1)]
        if call.name == "Fn::Select" and items and len(items) == 2:
            return self._select(items, depth)
        if call.name == "Ref" and isinstance(call.arg, ScalarNode):
            return self._ref(str(call.arg.value), node, path, via)
        if call.name == "Fn::FindInMap" and items and len(items) == 3:
            return self._find_in_map(items, via)
        if call.name == "Fn::Sub":
            return self._sub(call, node, path, via)
        return [Leaf(UNKNOWN, call.name, via=via)]

    def _select(self, items: list[tuple[Node, Path]], depth: int) -> list[Leaf]:
        index, (options, options_path) = _literal(items[0][0]), items[1]
        if (
            index is not None
            and index.strip().isdigit()
            and isinstance(options, SequenceNode)
            and call_of(options, options_path) is None
            and int(index) < len(options.value)
        ):
            i = int(index)
            return self.resolve(options.value[i], (*options_path, i), "Fn::Select", depth + 1)
        return [Leaf(UNKNOWN, "Fn::Select from a list known only at deployment")]

    def _ref(self, name: str, node: Node, path: Path, via: str) -> list[Leaf]:
        if name == "AWS::NoValue":
            return [Leaf(OMITTED, name, node, path, via)]
        if name.startswith("AWS::"):
            return [Leaf(UNKNOWN, f"the pseudo parameter {name}", via=via)]
        declared = _member(self.parameters, name)
        if declared is not None and isinstance(declared[1], MappingNode):
            return [self._parameter(name, declared[1], via)]
        if _member(self.resources, name) is not None:
            return [Leaf(UNKNOWN, f"a Ref to the resource {name}", via=via)]
        return [Leaf(UNKNOWN, f"a Ref to {name}, which the template does not declare", via=via)]

    def _parameter(self, name: str, declared: MappingNode, via: str) -> Leaf:
        type_entry = _member(declared, "Type")
        kind = _literal(type_entry[1]) if type_entry else "String"
        if kind != "String":
            return Leaf(UNKNOWN, f"a Ref to parameter {name} of type {kind}", via=via)
        default = _member(declared, "Default")
        if default is None or _literal(default[1]) is None:
            return Leaf(UNKNOWN, f"a Ref to parameter {name}, which has no Default", via=via)
        source = Source(f"parameter '{name}'", default[0], declared, parameter=name)
        path = (self.index, "Parameters", name, "Default")
        return Leaf(SOURCE, str(default[1].value), default[1], path, via, source)

    def _find_in_map(self, items: list[tuple[Node, Path]], via: str) -> list[Leaf]:
        names = [_literal(node) for node, _ in items]
        top = _member(self.mappings, names[0]) if names[0] is not None else None
        if top is None or not isinstance(top[1], MappingNode):
            return [Leaf(UNKNOWN, "Fn::FindInMap on a mapping the template does not declare")]
        found: list[tuple[Node, Node, MappingNode, str, str]] = []
        for first_key, second in top[1].value:
            first = key_text(first_key)
            if isinstance(second, MappingNode) and names[1] in (None, first):
                for second_key, value in second.value:
                    if names[2] in (None, key_text(second_key)):
                        second_name = key_text(second_key) or ""
                        found.append((second_key, value, second, first or "", second_name))
        if not found:
            return [Leaf(UNKNOWN, "Fn::FindInMap on an entry the mapping does not have")]
        if names[1] is None or names[2] is None:
            texts = sorted({_literal(value) or "" for _, value, *_ in found})
            return [Leaf(CHOICE, text, via="Fn::FindInMap") for text in texts]
        key, value, owner, first, second = found[-1]
        if _literal(value) is None:
            return [Leaf(UNKNOWN, "Fn::FindInMap on an entry that is not a string")]
        entry = (str(names[0]), first, second)
        label = "Mappings." + ".".join(entry)
        path = (self.index, "Mappings", *entry)
        source = Source(label, key, owner, entry=entry)
        return [Leaf(SOURCE, str(value.value), value, path, via, source)]

    def _sub(self, call: Call, node: Node, path: Path, via: str) -> list[Leaf]:
        text_node, text_path, variables = call.arg, call.path, None
        items = _items(call)
        if items and len(items) == 2 and isinstance(items[1][0], MappingNode):
            (text_node, text_path), variables = items[0], items[1][0]
        if not isinstance(text_node, ScalarNode):
            return [Leaf(UNKNOWN, "Fn::Sub", via=via)]
        text = str(text_node.value)
        names = _SUB_VARIABLE.findall(text)
        if not names:
            return [Leaf(LITERAL, text.replace("${!", "${"), text_node, text_path, "Fn::Sub")]
        name = names[0].strip()
        local = variables is not None and _member(variables, name) is not None
        if text.strip() == "${" + names[0] + "}" and "." not in name and not local:
            return self._ref(name, node, path, via)
        return [Leaf(UNKNOWN, "Fn::Sub with variables", via=via)]

    def readers(self, source: Source) -> list[Path]:
        """Paths (from the document root) of every intrinsic that may read `source`."""
        found: list[Path] = []
        for path, call in self._all_calls():
            if source.parameter and _reads_parameter(call, source.parameter):
                found.append(path)
            elif source.entry[0] and call.name == "Fn::FindInMap":
                names = [_literal(node) for node, _ in _items(call) or []][:3]
                pairs = zip(names, source.entry, strict=False)
                if len(names) == 3 and all(n in (None, e) for n, e in pairs):
                    found.append(path)
        return found

    def feeds_tag_mutability(self, path: Path) -> bool:
        if len(path) < 4 or path[0] != "Resources" or path[2:4] != ("Properties", PROPERTY):
            return False
        resource = _member(self.resources, str(path[1]))
        if resource is None or not isinstance(resource[1], MappingNode):
            return False
        type_entry = _member(resource[1], "Type")
        return type_entry is not None and _literal(type_entry[1]) in ECR_TYPES

    def has_property(self, resource: str, name: str) -> bool:
        declared = _member(self.resources, resource)
        props = _member(declared[1], "Properties") if declared else None
        return props is not None and _member(props[1], name) is not None

    def _all_calls(self) -> list[tuple[Path, Call]]:
        if self._calls is None:
            self._calls = []
            stack: list[tuple[Node, Path]] = [(self.doc, ())]
            while stack:
                if len(self._calls) + len(stack) > _MAX_WALK:
                    raise TooLarge()
                node, path = stack.pop()
                call = call_of(node, path)
                if call is not None:
                    self._calls.append((path, call))
                if isinstance(node, MappingNode):
                    stack += [(v, (*path, key_text(k) or "?")) for k, v in node.value]
                elif isinstance(node, SequenceNode):
                    stack += [(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._calls


class TooLarge(Exception):
    """The template expands (through aliases) past what ecrfix walks to find readers."""


def _reads_parameter(call: Call, name: str) -> bool:
    if call.name == "Ref":
        return isinstance(call.arg, ScalarNode) and call.arg.value == name
    if call.name != "Fn::Sub":
        return False
    text_node = call.arg
    if isinstance(call.arg, SequenceNode) and call.arg.value:
        text_node = call.arg.value[0]
    if not isinstance(text_node, ScalarNode):
        return False
    return any(v.strip() == name for v in _SUB_VARIABLE.findall(str(text_node.value)))
