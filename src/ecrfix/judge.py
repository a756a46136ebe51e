"""Judge the value of `ImageTagMutability` once resolved, and plan the fix for each finding."""

from __future__ import annotations

import re
from typing import NamedTuple

from ecrfix import fixes
from ecrfix.collection_edits import append_item, remove_member
from ecrfix.edits import Edit
from ecrfix.fixes import Ctx, Unfixable
from ecrfix.intrinsics import (
    CHOICE,
    LITERAL,
    OMITTED,
    SOURCE,
    UNKNOWN,
    Leaf,
    Path,
    Source,
    Template,
    TooLarge,
)
from ecrfix.model import (
    DELETE,
    EXPECTED,
    FIXABLE,
    INCORRECT,
    PROPERTY,
    UNFIXABLE,
    Change,
    Finding,
    Settings,
)
from ecrfix.nodes import MappingNode, Node, ScalarNode, SequenceNode, entries
from ecrfix.verify import Loaded

FILTERS = "ImageTagMutabilityExclusionFilters"
EXCLUSION_MODES = ("MUTABLE_WITH_EXCLUSION", "IMMUTABLE_WITH_EXCLUSION")
NOT_KNOWN = "value is not known before deployment"
UNSAFE = "unsafe fix: run with --unsafe-fixes"


class Scope(NamedTuple):
    """What judging the repositories of one template document needs."""

    ctx: Ctx
    template: Template
    settings: Settings
    suppressed: frozenset[str]  # logical ids whose findings are suppressed


def compliant(text: str, settings: Settings) -> bool:
    return text == EXPECTED or (text == "IMMUTABLE_WITH_EXCLUSION" and not settings.strict)


def _is_exclusion(leaf: Leaf) -> bool:
    return leaf.kind in (LITERAL, SOURCE) and leaf.text.upper() in EXCLUSION_MODES


def judge_value(
    scope: Scope, path: Path, name: str, rtype: str, key: Node, value: Node, props: MappingNode
) -> list[Finding]:
    base = Finding(
        line=key.start_mark.line + 1,
        column=key.start_mark.column + 1,
        resource=name,
        resource_type=rtype,
        issue_type=INCORRECT,
        actual_value="",
        status=FIXABLE,
    )
    leaves = scope.template.resolve(value, path)
    settings = scope.settings
    local = [
        f
        for f in leaves
        if f.kind == OMITTED or (f.kind == LITERAL and not compliant(f.text, settings))
    ]
    sources = {f.path: f for f in leaves if f.kind == SOURCE and not compliant(f.text, settings)}
    unknown = [f.text for f in leaves if f.kind == UNKNOWN]
    choices = [f.text for f in leaves if f.kind == CHOICE]
    if not all(compliant(text, settings) for text in choices):
        unknown.append("Fn::FindInMap with a key known only at deployment")
    findings: list[Finding] = []
    if local:
        findings.append(_fix_local(scope, base, path, props, local, leaves))
    findings += [_fix_source(scope, base, leaf) for leaf in sources.values()]
    if unknown:
        actual = ", ".join(sorted(set(unknown)))
        findings.append(base._replace(actual_value=actual, status=UNFIXABLE, reason=NOT_KNOWN))
    return findings


def _describe(leaves: list[Leaf]) -> str:
    values = ", ".join("AWS::NoValue" if f.kind == OMITTED else repr(f.text) for f in leaves)
    vias = sorted({f.via for f in leaves if f.via})
    return f"{values} (through {', '.join(vias)})" if vias else values


def _fix_local(
    scope: Scope, base: Finding, path: Path, props: MappingNode, bad: list[Leaf], leaves: list[Leaf]
) -> Finding:
    finding = base._replace(actual_value=_describe(bad), unsafe=any(map(_is_exclusion, bad)))
    try:
        edits = [_replace_leaf(scope.ctx, leaf) for leaf in bad]
        changes = [Change(leaf.path, _fixed_value(leaf)) for leaf in bad]
        filters = entries(props, FILTERS)
        if filters:
            kept = [f for f in leaves if f not in bad]
            if any(f.kind != LITERAL or _is_exclusion(f) for f in kept):
                raise Unfixable(f"other values of {PROPERTY} may still need {FILTERS}")
            edits.append(remove_member(scope.ctx, props, filters[-1][0]))
            changes.append(Change((*path[:-1], FILTERS), DELETE))
            finding = finding._replace(unsafe=True)
    except Unfixable as exc:
        return finding._replace(status=UNFIXABLE, reason=str(exc))
    return _gate(finding._replace(edits=tuple(edits), changes=tuple(changes)), scope.settings)


def _replace_leaf(ctx: Ctx, leaf: Leaf) -> Edit:
    assert leaf.node is not None
    if leaf.kind == LITERAL:
        return fixes.replace_scalar(ctx, leaf.node, EXPECTED)
    # `!Ref AWS::NoValue` or `{"Ref": "AWS::NoValue"}`: the whole call becomes the value
    node, start = leaf.node, ctx.start(leaf.node)
    block = isinstance(node, MappingNode) and not node.flow_style
    end = ctx.end(node.value[0][1]) if block else ctx.end(node)
    if ctx.text[start] == "&" or "\n" in ctx.text[start:end]:
        raise Unfixable("AWS::NoValue is written over several lines or anchored")
    quote = '"' if ctx.json else ""
    return Edit(start, end, f"{quote}{EXPECTED}{quote}")


def _fixed_value(leaf: Leaf) -> object:
    # a tagged scalar keeps its tag (`!Sub IMMUTABLE`), which loading keeps too
    tag = str(leaf.node.tag) if leaf.node is not None else ""
    if leaf.kind == LITERAL and tag.startswith("!"):
        return (tag, EXPECTED)
    return EXPECTED


def _fix_source(scope: Scope, base: Finding, leaf: Leaf) -> Finding:
    source = leaf.source
    assert source is not None and leaf.node is not None
    finding = base._replace(
        line=source.key.start_mark.line + 1,
        column=source.key.start_mark.column + 1,
        actual_value=f"{leaf.text!r} (from {source.label})",
        unsafe=True,
    )
    try:
        if _is_exclusion(leaf):
            raise Unfixable(f"{source.label} and the {FILTERS} of its readers must change together")
        _check_readers(scope, source)
        edits = [fixes.replace_scalar(scope.ctx, leaf.node, EXPECTED)]
        changes = [Change(leaf.path, EXPECTED)]
        if source.parameter:
            _allow_expected(scope, leaf, edits, changes)
    except Unfixable as exc:
        return finding._replace(status=UNFIXABLE, reason=str(exc))
    return _gate(finding._replace(edits=tuple(edits), changes=tuple(changes)), scope.settings)


def _check_readers(scope: Scope, source: Source) -> None:
    """A shared value is changed only when all it sets is tag mutability, never suppressed."""
    label = source.label
    try:
        readers = scope.template.readers(source)
    except TooLarge:
        raise Unfixable(f"cannot tell what else reads {label}") from None
    for reader in readers:
        if not scope.template.feeds_tag_mutability(reader):
            while isinstance(reader[-1], int):  # name the property, not an argument's index
                reader = reader[:-1]
            where = ".".join(str(p) for p in reader)
            raise Unfixable(f"{label} is also read by {where}")
    for resource in sorted({str(r[1]) for r in readers}):
        if resource in scope.suppressed:
            raise Unfixable(f"{label} also sets the suppressed resource {resource}")
        if scope.template.has_property(resource, FILTERS):
            raise Unfixable(f"{label} also sets {resource}, which has {FILTERS}")


def _allow_expected(scope: Scope, leaf: Leaf, edits: list[Edit], changes: list[Change]) -> None:
    source = leaf.source
    assert source is not None
    parameter_path = leaf.path[:-1]
    pattern = entries(source.owner, "AllowedPattern")
    if pattern:
        regex = pattern[-1][1]
        try:
            matches = isinstance(regex, ScalarNode) and re.fullmatch(str(regex.value), EXPECTED)
        except re.error:
            matches = None
        if not matches:
            raise Unfixable(f"the AllowedPattern of {source.label} does not accept {EXPECTED}")
    allowed = entries(source.owner, "AllowedValues")
    if not allowed:
        return
    values = allowed[-1][1]
    if not isinstance(values, SequenceNode) or str(values.tag).startswith("!"):
        raise Unfixable(f"the AllowedValues of {source.label} is not a plain list")
    loaded = Loaded().load(values)
    if EXPECTED not in loaded:
        edits.append(append_item(scope.ctx, values, EXPECTED))
        changes.append(Change((*parameter_path, "AllowedValues"), [*loaded, EXPECTED]))


def _gate(finding: Finding, settings: Settings) -> Finding:
    if finding.unsafe and not settings.unsafe_fixes:
        return finding._replace(status=UNFIXABLE, reason=UNSAFE)
    return finding
