from __future__ import annotations

from ecrfix import fixes
from ecrfix.edits import Edit
from ecrfix.errors import TemplateError
from ecrfix.fixes import Ctx, Unfixable
from ecrfix.intrinsics import ECR_TYPES, Template
from ecrfix.judge import Scope, judge_value
from ecrfix.model import (
    EXPECTED,
    FIXABLE,
    MISSING,
    PROPERTY,
    SUPPRESSED,
    UNFIXABLE,
    Change,
    Finding,
    PathItem,
    Settings,
)
from ecrfix.nodes import (
    MappingNode,
    Node,
    ScalarNode,
    entries,
    is_flow,
    is_mapping,
    is_null,
    key_text,
    quote_of,
)
from ecrfix.suppressions import Suppressor


def resources_of(doc: Node) -> MappingNode | None:
    """The `Resources` mapping when `doc` is a real template, else None.

    A real template is a top-level mapping whose `Resources` maps logical ids to
    resource mappings; policy tests, schemas and quoted templates are not.
    """
    if not is_mapping(doc):
        return None
    found = entries(doc, "Resources")
    if not found:
        return None
    if len(found) > 1:
        raise TemplateError("duplicate key 'Resources'", found[1][0].start_mark.line + 1)
    resources = found[0][1]
    if not is_mapping(resources) or not resources.value:
        return None
    if not all(is_mapping(v) for _, v in resources.value):
        return None
    if not any(entries(v, "Type") for _, v in resources.value):
        return None
    return resources


def _single(mapping: MappingNode, key: str, where: str) -> tuple[Node, Node] | None:
    found = entries(mapping, key)
    if len(found) > 1:
        raise TemplateError(
            f"duplicate key '{key}' in {where}: ecrfix cannot tell which one applies",
            found[1][0].start_mark.line + 1,
        )
    return found[0] if found else None


def find_findings(ctx: Ctx, doc_index: int, doc: Node, settings: Settings) -> list[Finding]:
    resources = resources_of(doc)
    if resources is None:
        return []
    assert isinstance(doc, MappingNode)
    seen: set[str] = set()
    declared: list[tuple[str, Node, MappingNode, tuple[Node, Node]]] = []
    for logical_key, resource in resources.value:
        name = key_text(logical_key)
        if name is None or not is_mapping(resource):
            continue
        if name in seen:
            raise TemplateError(
                f"duplicate logical id '{name}' in Resources", logical_key.start_mark.line + 1
            )
        seen.add(name)
        type_entry = _single(resource, "Type", f"resource '{name}'")
        if type_entry is None or not isinstance(type_entry[1], ScalarNode):
            continue
        if type_entry[1].value in ECR_TYPES:
            declared.append((name, logical_key, resource, type_entry))
    if not declared:
        return []
    suppressor = Suppressor(ctx.text, ctx.base, doc)
    reasons = {name: suppressor.resource_reason(key, res) for name, key, res, _ in declared}
    suppressed = frozenset(name for name, reason in reasons.items() if reason)
    scope = Scope(ctx, Template(doc_index, doc), settings, suppressed)
    findings: list[Finding] = []
    for name, logical_key, resource, type_entry in declared:
        if type_entry[1].value in settings.resource_types:
            path: tuple[PathItem, ...] = (doc_index, "Resources", name)
            found = _judge_resource(scope, path, logical_key, resource, type_entry)
            for finding in found:
                reason = reasons[name] or suppressor.line_reason(finding.line)
                findings.append(_suppress(finding, reason))
    return findings


def _suppress(finding: Finding, reason: str) -> Finding:
    if not reason:
        return finding
    return finding._replace(status=SUPPRESSED, reason=reason, edits=(), changes=(), unsafe=False)


def _judge_resource(
    scope: Scope,
    path: tuple[PathItem, ...],
    logical_key: Node,
    resource: MappingNode,
    type_entry: tuple[Node, Node],
) -> list[Finding]:
    ctx = scope.ctx
    name, rtype = str(path[-1]), str(type_entry[1].value)
    props = _single(resource, "Properties", f"resource '{name}'")

    def missing(at: Node, plan: list[Edit] | None, reason: str = "") -> Finding:
        return Finding(
            line=at.start_mark.line + 1,
            column=at.start_mark.column + 1,
            resource=name,
            resource_type=rtype,
            issue_type=MISSING,
            actual_value="missing",
            status=FIXABLE if plan else UNFIXABLE,
            reason=reason,
            edits=tuple(plan or ()),
            changes=(Change((*path, "Properties"), {PROPERTY: EXPECTED}),),
        )

    if props is None:
        try:
            return [missing(logical_key, [_add_properties(ctx, logical_key, resource, type_entry)])]
        except Unfixable as exc:
            return [missing(logical_key, None, str(exc))]
    props_key, props_value = props
    if is_null(props_value) or (is_mapping(props_value) and not props_value.value):
        try:
            edit = _fill_properties(ctx, logical_key, props_key, props_value)
            return [missing(props_key, [edit])]
        except Unfixable as exc:
            return [missing(props_key, None, str(exc))]
    if not is_mapping(props_value):
        return [missing(props_key, None, "Properties is not a mapping")]
    found = _single(props_value, PROPERTY, f"the Properties of '{name}'")
    if found is None or is_null(found[1]):
        finding = missing(props_key, None)
        try:
            if found is None:
                edit = _insert_property(ctx, props_value)
            else:
                edit = _set_null_value(ctx, found[0], found[1])
        except Unfixable as exc:
            return [finding._replace(reason=str(exc))]
        return [
            finding._replace(
                status=FIXABLE,
                edits=(edit,),
                changes=(Change((*path, "Properties", PROPERTY), EXPECTED),),
            )
        ]
    key, value = found
    return judge_value(scope, (*path, "Properties", PROPERTY), name, rtype, key, value, props_value)


def _insert_property(ctx: Ctx, props: MappingNode) -> Edit:
    if is_flow(props):
        return fixes.insert_flow_first(ctx, props, PROPERTY, EXPECTED)
    keys = [key_text(k) or "" for k, _ in props.value]
    first_key = props.value[0][0]
    line = fixes.member(PROPERTY, EXPECTED, quote_of(first_key), fixes.value_quote(ctx, props))
    before = first_key
    if len(keys) > 1 and keys == sorted(keys, key=str.lower):
        # keys already in alphabetical order stay so
        later = [k for k, _ in props.value if (key_text(k) or "").lower() > PROPERTY.lower()]
        if later:
            before = later[0]
    return fixes.insert_block_line(ctx, before, line)


def _set_null_value(ctx: Ctx, key: Node, value: Node) -> Edit:
    quote = '"' if ctx.json else ""
    if ctx.end(value) > ctx.start(value):
        return fixes.replace_scalar(ctx, value, EXPECTED)._replace(new=f"{quote}{EXPECTED}{quote}")
    colon = ctx.text.find(":", ctx.end(key))
    return Edit(colon + 1, colon + 1, f" {quote}{EXPECTED}{quote}")


def _fill_properties(ctx: Ctx, logical_key: Node, props_key: Node, props_value: Node) -> Edit:
    quote = quote_of(props_key)
    vquote = '"' if ctx.json else ""
    # JSON keeps the file's `:` / `: ` (as written after `Properties`); YAML needs `: `
    colon = ctx.text[ctx.end(props_key) : ctx.start(props_value)] if ctx.json else ": "
    if colon.strip() != ":":
        colon = ": "
    inline = fixes.member(PROPERTY, EXPECTED, quote, vquote, colon)
    if isinstance(props_value, MappingNode):
        return fixes.fill_empty_flow(
            ctx, props_value, inline, lambda: fixes.indent_unit(ctx, logical_key, props_key)
        )
    if ctx.end(props_value) > ctx.start(props_value):  # an explicit null / ~
        return fixes.replace_null_with_mapping(ctx, props_value, inline)
    indent = ctx.indent_of(props_key) + fixes.indent_unit(ctx, logical_key, props_key)
    return fixes.insert_after_line_of(
        ctx, props_key, [indent + fixes.member(PROPERTY, EXPECTED, quote, vquote)]
    )


def _add_properties(
    ctx: Ctx, logical_key: Node, resource: MappingNode, type_entry: tuple[Node, Node]
) -> Edit:
    type_key, type_value = type_entry
    quote = quote_of(type_key)
    vquote = '"' if ctx.json else quote_of(type_value) if quote else ""
    if not is_flow(resource):
        indent = ctx.indent_of(type_key)
        unit = fixes.indent_unit(ctx, logical_key, type_key)
        lines = [
            f"{indent}{quote}Properties{quote}:",
            indent + unit + fixes.member(PROPERTY, EXPECTED, quote, vquote),
        ]
        return fixes.insert_after_line_of(ctx, type_value, lines)
    colon = ctx.text[ctx.end(type_key) : ctx.start(type_value)]
    inner = fixes.member(PROPERTY, EXPECTED, quote, vquote, colon)
    ws_start = ctx.start(type_key)
    while ws_start > 0 and ctx.text[ws_start - 1] in " \t\r\n":
        ws_start -= 1
    ws = ctx.text[ws_start : ctx.start(type_key)]
    if "\n" in ws:
        unit = fixes.indent_unit(ctx, logical_key, type_key)
        body = "{" + ws + unit + inner + ws + "}"
    else:
        body = "{" + ws + inner + ws + "}"
    return fixes.insert_flow_member_after(ctx, type_key, type_value, "Properties", body)
