"""Hypothesis strategies for CloudFormation templates written the many ways people write them.

Each strategy draws a `Case`: the template's bytes and, per repository, what its fix must
change (`Counter` of tests/invariants.py change kinds; empty when it is already compliant).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, NamedTuple

from hypothesis import strategies as st

from . import invariants as inv

REPOSITORY_TYPES = ("AWS::ECR::Repository", "AWS::ECR::RepositoryCreationTemplate")
OTHER_TYPES = ("AWS::S3::Bucket", "AWS::SNS::Topic", "AWS::ECS::Cluster")
PROPS_SHAPES = ("missing", "empty", "null", "tilde", "flow-empty", "flow-spaced", "block", "flow")
MUTABILITY = (None, "MUTABLE", "mutable", "Immutable", "IMMUTABLE", "null", "empty")


class Case(NamedTuple):
    data: bytes
    expected: dict[str, Counter[str]]  # logical id -> the changes its fix makes
    # for JSON written by json.dumps: its indent and separators, which the fix must keep
    dumps: tuple[Any, tuple[str, str]] | None = None


def _expected_yaml(shape: str, mutability: str | None, flow_resource: bool) -> Counter[str]:
    if mutability == "IMMUTABLE":
        return Counter()
    if mutability is not None:
        return Counter({inv.REWRITE: 1})
    if flow_resource or shape in ("null", "tilde", "flow-empty", "flow-spaced", "flow"):
        return Counter({inv.INLINE: 1})
    if shape == "missing":
        return Counter({inv.PROPERTIES_ADDED: 1, inv.KEY_ADDED: 1})
    return Counter({inv.KEY_ADDED: 1})  # a block mapping, or `Properties:` with no value


def _quote(draw: st.DrawFn, text: str) -> str:
    q = draw(st.sampled_from(["", "", "'", '"']))
    return f"{q}{text}{q}"


def _comment(draw: st.DrawFn, indent: str, eol: str) -> str:
    """Zero or more own-line comments and blank lines, as people leave between keys."""
    out = ""
    for kind in draw(st.lists(st.sampled_from(["comment", "blank", "deep"]), max_size=2)):
        if kind == "comment":
            out += f"{indent}# note{eol}"
        elif kind == "deep":
            out += f"{indent}    # indented deeper{eol}"
        else:
            out += eol
    return out


def _trailing(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(["", "", "  # why", " #x", "\t# after a tab"]))


@st.composite
def yaml_templates(draw: st.DrawFn) -> Case:
    unit = " " * draw(st.sampled_from([2, 4]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    seq_indent = draw(st.sampled_from(["", unit]))  # `- item` under its key or indented
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append("---")
    if draw(st.booleans()):
        lines.append("# a template")
    lines.append("AWSTemplateFormatVersion: '2010-09-09'")
    if draw(st.booleans()):
        lines.append("Description: ECR repositories (AWS::ECR::Repository) — dépôts 🐳")
    lines.append("Resources:")
    head = eol.join(lines) + eol
    expected: dict[str, Counter[str]] = {}
    body = ""
    count = draw(st.integers(1, 4))
    for index in range(count):
        name = f"Res{index}"
        body += _comment(draw, unit, eol)
        if draw(st.integers(0, 3)) == 0:
            body += _other_yaml(draw, name, unit, eol)
            continue
        text, changes = _repository_yaml(draw, name, unit, eol, seq_indent)
        body += text
        expected[name] = changes
    text = head + body
    if draw(st.integers(0, 5)) == 0:
        text += "..." + eol  # document end marker
    if not draw(st.booleans()):
        text = text[: -len(eol)]  # no final newline
    bom = "\ufeff" if draw(st.booleans()) else ""
    return Case((bom + text).encode("utf-8"), expected)


def _other_yaml(draw: st.DrawFn, name: str, unit: str, eol: str) -> str:
    rtype = draw(st.sampled_from(OTHER_TYPES))
    text = f"{unit}{name}:{eol}{unit * 2}Type: {rtype}{eol}"
    if draw(st.booleans()):
        text += f"{unit * 2}Properties:{eol}{unit * 3}Description: |{eol}"
        text += f"{unit * 4}ImageTagMutability: MUTABLE is not mine{eol}"
    return text


def _repository_yaml(
    draw: st.DrawFn, name: str, unit: str, eol: str, seq_indent: str
) -> tuple[str, Counter[str]]:
    rtype = draw(st.sampled_from(REPOSITORY_TYPES))
    shape = draw(st.sampled_from(PROPS_SHAPES))
    mutability = draw(st.sampled_from(MUTABILITY)) if shape in ("block", "flow") else None
    type_value = _quote(draw, rtype)
    props_key = _quote(draw, "Properties")
    if draw(st.integers(0, 5)) == 0 and shape in ("missing", "flow-empty", "flow"):
        # the whole resource as one flow mapping
        members = [f"Type: {type_value}"]
        if shape != "missing":
            members.append(f"{props_key}: {_flow_props(draw, shape, mutability)}")
        if draw(st.booleans()):
            members.reverse()
        text = f"{unit}{name}: {{{', '.join(members)}}}{_trailing(draw)}{eol}"
        return text, _expected_yaml(shape, mutability, flow_resource=True)
    pad = unit * 2
    type_line = f"{pad}{_quote(draw, 'Type')}: {type_value}{_trailing(draw)}{eol}"
    props = ""
    if shape != "missing":
        props = _comment(draw, pad, eol) + _props_yaml(
            draw, shape, mutability, props_key, unit, eol, seq_indent
        )
    attrs = [type_line, props] if draw(st.booleans()) else [props, type_line]
    if draw(st.booleans()):
        attrs.insert(draw(st.integers(0, 2)), f"{pad}DeletionPolicy: Retain{eol}")
    changes = _expected_yaml(shape, mutability, flow_resource=False)
    return f"{unit}{_quote(draw, name)}:{_trailing(draw)}{eol}" + "".join(attrs), changes


def _flow_props(draw: st.DrawFn, shape: str, mutability: str | None) -> str:
    if shape == "flow-empty":
        return "{}"
    if shape == "flow-spaced":
        return "{ }"
    members = [f"RepositoryName: {_quote(draw, 'app')}"]
    if draw(st.booleans()):
        members.append("RegistryId: !Ref AWS::AccountId")
    if mutability is not None:
        value = {"null": "null", "empty": "''"}.get(mutability, _quote(draw, mutability))
        members.insert(draw(st.integers(0, len(members))), f"ImageTagMutability: {value}")
    space = draw(st.sampled_from(["", " "]))
    return "{" + space + ", ".join(members) + space + "}"


def _props_yaml(
    draw: st.DrawFn,
    shape: str,
    mutability: str | None,
    key: str,
    unit: str,
    eol: str,
    seq_indent: str,
) -> str:
    pad = unit * 2
    if shape == "empty":
        return f"{pad}{key}:{_trailing(draw)}{eol}"
    if shape in ("null", "tilde"):
        return f"{pad}{key}: {'null' if shape == 'null' else '~'}{_trailing(draw)}{eol}"
    if shape != "block":
        return f"{pad}{key}: {_flow_props(draw, shape, mutability)}{_trailing(draw)}{eol}"
    inner = unit * 3
    repo_name = _quote(draw, draw(st.sampled_from(["app", "dépôt-🐳"])))
    members = [f"{inner}RepositoryName: {repo_name}{_trailing(draw)}{eol}"]
    for extra in draw(st.sets(st.sampled_from(["scan", "tags", "flow-tags", "policy", "kms"]))):
        if extra == "flow-tags":
            text = f"{inner}Tags: [{{Key: team, Value: core}}]{eol}"
        elif extra == "kms":
            text = f"{inner}EncryptionConfiguration: {{EncryptionType: KMS}}{eol}"
        elif extra == "scan":
            text = f"{inner}ImageScanningConfiguration:{eol}{inner}{unit}ScanOnPush: true{eol}"
        elif extra == "tags":
            text = f"{inner}Tags:{eol}{inner}{seq_indent}- Key: team{eol}"
            text += f"{inner}{seq_indent}  Value: {_quote(draw, 'core')}{eol}"
        else:
            text = f"{inner}LifecyclePolicy:{eol}{inner}{unit}LifecyclePolicyText: |{eol}"
            text += f'{inner}{unit * 2}{{"rules": []}}{eol}{eol}'
        members.append(text)
    if mutability is not None:
        value = {"null": "", "empty": "''"}.get(mutability, _quote(draw, mutability))
        line = f"{inner}{_quote(draw, 'ImageTagMutability')}:{' ' if value else ''}{value}"
        members.insert(draw(st.integers(0, len(members))), f"{line}{_trailing(draw)}{eol}")
    members = draw(st.permutations(members))  # alphabetical order now and then
    text = "".join(_comment(draw, inner, eol) + m for m in members)
    return f"{pad}{key}:{_trailing(draw)}{eol}{text}"


@st.composite
def json_templates(draw: st.DrawFn) -> Case:
    indent: Any = draw(st.sampled_from([2, 4, "\t", None]))
    colon = draw(st.sampled_from([": ", ":", " : "]))
    comma = "," if indent is not None else draw(st.sampled_from([",", ", "]))
    resources: dict[str, Any] = {}
    expected: dict[str, Counter[str]] = {}
    filled = False
    for index in range(draw(st.integers(1, 4))):
        name = f"Res{index}"
        if draw(st.integers(0, 3)) == 0:
            resources[name] = {"Type": draw(st.sampled_from(OTHER_TYPES))}
            continue
        resource: dict[str, Any] = {"Type": draw(st.sampled_from(REPOSITORY_TYPES))}
        shape = draw(st.sampled_from(["missing", "null", "empty", "members"]))
        mutability = draw(st.sampled_from((None, "MUTABLE", "IMMUTABLE", "null")))
        if shape == "missing":
            changes = Counter({inv.PROPERTIES_ADDED: 1, inv.KEY_ADDED: 1, inv.CLOSE_ADDED: 1})
            if indent is None:
                changes = Counter({inv.INLINE: 1})
        elif shape != "members":
            # filled on its line (`{"ImageTagMutability": "IMMUTABLE"}`), even when indented
            resource["Properties"] = None if shape == "null" else {}
            changes = Counter({inv.INLINE: 1})
            filled = True
        else:
            props: dict[str, Any] = {"RepositoryName": "app"}
            if draw(st.booleans()):
                props["Tags"] = [{"Key": "team", "Value": "core"}]
            if mutability is not None:
                props["ImageTagMutability"] = None if mutability == "null" else mutability
                if draw(st.booleans()):
                    props = dict(reversed(props.items()))
            resource["Properties"] = props
            changes = Counter({inv.REWRITE: 1} if mutability else {inv.KEY_ADDED: 1})
            if mutability is None and indent is None:
                changes = Counter({inv.INLINE: 1})
            if mutability == "IMMUTABLE":
                changes = Counter()
        if draw(st.booleans()):
            resource = dict(reversed(resource.items()))  # Properties before Type
        if draw(st.booleans()):
            resource["DeletionPolicy"] = "Retain"
        resources[name] = resource
        expected[name] = changes
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
    text = json.dumps(template, indent=indent, separators=(comma, colon))
    dumps = None if filled and indent is not None else (indent, (comma, colon))
    if draw(st.booleans()) and "{}" in text:
        text, dumps = text.replace("{}", "{ }"), None
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    text = text.replace("\n", eol) + (eol if draw(st.booleans()) else "")
    bom = "\ufeff" if draw(st.booleans()) else ""
    return Case((bom + text).encode("utf-8"), expected, dumps)
