from __future__ import annotations

import pytest

from ecrfix.collection_edits import append_item
from ecrfix.compose import compose_documents
from ecrfix.edits import apply_edits
from ecrfix.fixes import Ctx, Unfixable
from ecrfix.judge import UNSAFE
from ecrfix.nodes import MappingNode, SequenceNode

from .policy_support import repo, run

ONE = "{ImageTagMutabilityExclusionFilterType: WILDCARD, ImageTagMutabilityExclusionFilterValue: x}"
FILTER = f"- {ONE}"
MWE = "ImageTagMutability: MUTABLE_WITH_EXCLUSION"
IWE = "ImageTagMutability: IMMUTABLE_WITH_EXCLUSION"
FILTERS = f"ImageTagMutabilityExclusionFilters:\n  {FILTER}"
FIXED = "ImageTagMutability: IMMUTABLE"
CT = "AWS::ECR::RepositoryCreationTemplate"
FLOW = "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties: "
JSON_FILTER = (
    '[{"ImageTagMutabilityExclusionFilterType": "WILDCARD", '
    '"ImageTagMutabilityExclusionFilterValue": "latest"}]'
)


def json_repo(props: str, rtype: str = "AWS::ECR::Repository") -> str:
    return f'{{"Resources": {{"Repo": {{"Type": "{rtype}", "Properties": {props}}}}}}}\n'


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        pytest.param(
            repo(f"{MWE}\n{FILTERS}\nRepositoryName: r"),
            repo("ImageTagMutability: IMMUTABLE\nRepositoryName: r"),
            id="block, in the middle",
        ),
        pytest.param(
            repo(f"{MWE}\n{FILTERS}"),
            repo(FIXED),
            id="block, last",
        ),
        pytest.param(
            repo(f"ImageTagMutabilityExclusionFilters:\n{FILTER}\n{MWE}"),
            repo(FIXED),
            id="block, first, unindented list",
        ),
        pytest.param(
            repo(
                "ImageTagMutability: MUTABLE_WITH_EXCLUSION\n"
                "ImageTagMutabilityExclusionFilters:  # moving tags\n"
                "  # the nightly build\n"
                f"  {FILTER}\n"
                "\n"
                "# scanning\n"
                "ImageScanningConfiguration: {ScanOnPush: true}"
            ),
            repo(
                "ImageTagMutability: IMMUTABLE\n"
                "\n"
                "# scanning\n"
                "ImageScanningConfiguration: {ScanOnPush: true}"
            ),
            id="block, comments inside go, the blank line and comment after stay",
        ),
        pytest.param(
            repo(f"{MWE}\nImageTagMutabilityExclusionFilters: [{ONE}]"),
            repo(FIXED),
            id="block key, flow value",
        ),
        pytest.param(
            FLOW + f"{{{MWE}, ImageTagMutabilityExclusionFilters: [{ONE}]}}\n",
            FLOW + "{ImageTagMutability: IMMUTABLE}\n",
            id="flow, last",
        ),
        pytest.param(
            FLOW + f"{{ ImageTagMutabilityExclusionFilters: [{ONE}], {MWE} }}\n",
            FLOW + "{ ImageTagMutability: IMMUTABLE }\n",
            id="flow, first",
        ),
        pytest.param(
            json_repo(
                '{\n  "ImageTagMutability": "MUTABLE_WITH_EXCLUSION",\n'
                f'  "ImageTagMutabilityExclusionFilters": {JSON_FILTER},\n'
                '  "RepositoryName": "r"\n}'
            ),
            json_repo('{\n  "ImageTagMutability": "IMMUTABLE",\n  "RepositoryName": "r"\n}'),
            id="json, in the middle: its comma goes",
        ),
        pytest.param(
            json_repo(
                '{\n  "ImageTagMutability": "MUTABLE_WITH_EXCLUSION",\n'
                f'  "ImageTagMutabilityExclusionFilters": {JSON_FILTER}\n}}'
            ),
            json_repo('{\n  "ImageTagMutability": "IMMUTABLE"\n}'),
            id="json, last: the comma before goes",
        ),
        pytest.param(
            json_repo(
                f'{{"ImageTagMutabilityExclusionFilters":{JSON_FILTER.replace(" ", "")},'
                '"ImageTagMutability":"MUTABLE_WITH_EXCLUSION"}'
            ),
            json_repo('{"ImageTagMutability":"IMMUTABLE"}'),
            id="json, minified",
        ),
        pytest.param(
            repo(f"{MWE}\n{FILTERS}").replace("\n", "\r\n"),
            repo(FIXED).replace("\n", "\r\n"),
            id="crlf",
        ),
        pytest.param(
            repo(f"{MWE}\n{FILTERS}").rstrip("\n"),
            repo(FIXED).rstrip("\n"),
            id="no final newline",
        ),
        pytest.param(
            repo(
                f"{MWE}\n{FILTERS}",
                rtype=CT,
            ),
            repo(FIXED, rtype=CT),
            id="creation template",
        ),
        pytest.param(
            json_repo(
                '{"ImageTagMutability": "MUTABLE_WITH_EXCLUSION", '
                f'"ImageTagMutabilityExclusionFilters": {JSON_FILTER}}}',
                rtype=CT,
            ),
            json_repo('{"ImageTagMutability": "IMMUTABLE"}', rtype=CT),
            id="json creation template",
        ),
    ),
)
def test_mutable_with_exclusion_unsafe_fix_drops_filters(src: str, expected: str) -> None:
    unchanged, reported = run(src)
    assert unchanged == src
    assert [(s.status, s.reason) for s in reported] == [("unfixable", UNSAFE)]
    fixed, seen = run(src, unsafe_fixes=True)
    assert fixed == expected
    assert [(s.status, s.actual) for s in seen] == [("fixable", "'MUTABLE_WITH_EXCLUSION'")]


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        pytest.param(
            repo(f"{IWE}\n{FILTERS}"),
            repo(FIXED),
            id="yaml",
        ),
        pytest.param(
            json_repo(
                f'{{"ImageTagMutabilityExclusionFilters": {JSON_FILTER}, '
                '"ImageTagMutability": "IMMUTABLE_WITH_EXCLUSION"}'
            ),
            json_repo('{"ImageTagMutability": "IMMUTABLE"}'),
            id="json",
        ),
    ),
)
def test_immutable_with_exclusion_is_a_finding_only_under_strict(src: str, expected: str) -> None:
    assert run(src) == (src, [])
    assert run(src, unsafe_fixes=True) == (src, [])
    unchanged, reported = run(src, strict=True)
    assert unchanged == src
    assert [(s.status, s.reason) for s in reported] == [("unfixable", UNSAFE)]
    fixed, seen = run(src, strict=True, unsafe_fixes=True)
    assert fixed == expected
    assert [s.status for s in seen] == ["fixable"]


@pytest.mark.parametrize(
    ("src", "reason"),
    (
        pytest.param(
            "f: &f\n  "
            + FILTER
            + "\n"
            + repo(
                "ImageTagMutability: MUTABLE_WITH_EXCLUSION\nImageTagMutabilityExclusionFilters: *f"
            ),
            "the value is an alias",
            id="filters are an alias",
        ),
        pytest.param(
            repo(
                "ImageTagMutability: !If [C, MUTABLE_WITH_EXCLUSION, IMMUTABLE_WITH_EXCLUSION]\n"
                + FILTERS
            ),
            "other values of ImageTagMutability may still need ImageTagMutabilityExclusionFilters",
            id="another branch keeps an exclusion mode",
        ),
        pytest.param(
            repo(f"ImageTagMutability: !If [C, MUTABLE, !ImportValue x]\n{FILTERS}"),
            "other values of ImageTagMutability may still need ImageTagMutabilityExclusionFilters",
            id="another branch is unknown",
        ),
    ),
)
def test_filters_that_cannot_go(src: str, reason: str) -> None:
    fixed, seen = run(src, unsafe_fixes=True)
    assert fixed == src
    assert (seen[0].status, seen[0].reason) == ("unfixable", reason)


def test_exclusion_branch_of_an_if_is_an_unsafe_fix() -> None:
    src = repo(f"ImageTagMutability: !If [C, IMMUTABLE, MUTABLE_WITH_EXCLUSION]\n{FILTERS}")
    assert [s.reason for s in run(src)[1]] == [UNSAFE]
    fixed, _ = run(src, unsafe_fixes=True)
    assert fixed == repo("ImageTagMutability: !If [C, IMMUTABLE, IMMUTABLE]")


def _sequence(text: str) -> tuple[Ctx, SequenceNode]:
    doc = compose_documents(text)[0]
    assert isinstance(doc, MappingNode)
    value = doc.value[0][1]
    assert isinstance(value, SequenceNode)
    return Ctx(text, 0, "\n", text.startswith("{")), value


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        pytest.param(
            "a:\n  - x\n  - y  # end\nb: 1\n",
            "a:\n  - x\n  - y  # end\n  - NEW\nb: 1\n",
            id="block",
        ),
        pytest.param("a:\n- 'x'\n", "a:\n- 'x'\n- 'NEW'\n", id="block, unindented, quoted"),
        pytest.param("a: [x, y]\n", "a: [x, y, NEW]\n", id="flow"),
        pytest.param("a: [x]\n", "a: [x, NEW]\n", id="flow, one item"),
        pytest.param('{"a": ["x"]}', '{"a": ["x", "NEW"]}', id="json"),
        pytest.param('{"a":["x"]}', '{"a":["x","NEW"]}', id="json, minified"),
        pytest.param('{"a": [\n  "x"\n]}', '{"a": [\n  "x",\n  "NEW"\n]}', id="json, one per line"),
    ),
)
def test_append_item(src: str, expected: str) -> None:
    ctx, sequence = _sequence(src)
    assert apply_edits(src, [append_item(ctx, sequence, "NEW")]) == expected


@pytest.mark.parametrize("src", ("a: []\n", "a: [x, # c\n  y]\n"))
def test_append_item_refuses(src: str) -> None:
    ctx, sequence = _sequence(src)
    with pytest.raises(Unfixable):
        append_item(ctx, sequence, "NEW")
