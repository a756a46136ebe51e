from __future__ import annotations

from ecrfix import fixes
from ecrfix.edits import Edit
from ecrfix.errors import TemplateError
from ecrfix.fixes import Ctx, Unfixable
from ecrfix.model import (
    EXPECTED,
    FIXABLE,
    INCORRECT,
    MISSING,
    PROPERTY,
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
    is_plain_string,
    key_text,
    quote_of,
)


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
    seen: set[str] = set()
    findings: list[Finding] = []
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
        if type_entry[1].value not in settings.resource_types:
            continue
        path: tuple[PathItem, ...] = (doc_index, "Resources", name)
        finding = _judge_resource(ctx, path, logical_key, resource, type_entry, settings)
        if finding is not None:
            findings.append(finding)
    return findings


def _judge_resource(
    ctx: Ctx,
    path: tuple[PathItem, ...],
    logical_key: Node,
    resource: MappingNode,
    type_entry: tuple[Node, Node],
    settings: Settings,
) -> Finding | None:
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
            return missing(logical_key, [_add_properties(ctx, logical_key, resource, type_entry)])
        except Unfixable as exc:
            return missing(logical_key, None, str(exc))
    props_key, props_value = props
    if is_null(props_value) or (is_mapping(props_value) and not props_value.value):
        try:
            edit = _fill_properties(ctx, logical_key, props_key, props_value)
            return missing(props_key, [edit])
        except Unfixable as exc:
            return missing(props_key, None, str(exc))
    if not is_mapping(props_value):
        return missing(props_key, None, "Properties is not a mapping")
    found = _single(props_value, PROPERTY, f"the Properties of '{name}'")
    if found is None or is_null(found[1]):
        finding = missing(props_key, None)
        try:
            if found is None:
                edit = _insert_property(ctx, props_value)
            else:
                edit = _set_null_value(ctx, found[0], found[1])
        except Unfixable as exc:
            return finding._replace(reason=str(exc))
        return finding._replace(
            status=FIXABLE,
            edits=(edit,),
            changes=(Change((*path, "Properties", PROPERTY), EXPECTED),),
        )
    key, value = found
    return judge_value(ctx, (*path, "Properties", PROPERTY), name, rtype, key, value, settings)


def judge_value(
    ctx: Ctx,
    path: tuple[PathItem, ...],
    name: str,
    rtype: str,
    key: Node,
    value: Node,
    settings: Settings,
) -> Finding | None:
    finding = Finding(
        line=key.start_mark.line + 1,
        column=key.start_mark.column + 1,
        resource=name,
        resource_type=rtype,
        issue_type=INCORRECT,
        actual_value="",
        status=FIXABLE,
    )
    tag = str(value.tag or "")
    if not isinstance(value, ScalarNode) or tag.startswith("!"):
        # an intrinsic function (`!Ref`, `Fn::If`...) or a collection
        return finding._replace(
            actual_value="an intrinsic function" if tag.startswith("!") else "not a string",
            status=UNFIXABLE,
            reason="value is not known before deployment",
        )
    text = str(value.value)
    if is_plain_string(value) and text == EXPECTED:
        return None
    return _rewrite(ctx, finding._replace(actual_value=repr(text)), path, value)


def _rewrite(ctx: Ctx, finding: Finding, path: tuple[PathItem, ...], value: Node) -> Finding:
    try:
        edit = fixes.replace_scalar(ctx, value, EXPECTED)
    except Unfixable as exc:
        return finding._replace(status=UNFIXABLE, reason=str(exc))
    return finding._replace(edits=(edit,), changes=(Change(path, EXPECTED),))


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
    if isinstance(props_value, MappingNode):
        line = fixes.member(PROPERTY, EXPECTED, quote, vquote)
        return fixes.fill_empty_flow(ctx, props_value, line)
    if ctx.end(props_value) > ctx.start(props_value):  # an explicit null / ~
        return fixes.replace_null_with_mapping(
            ctx, props_value, fixes.member(PROPERTY, EXPECTED, quote, vquote)
        )
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
