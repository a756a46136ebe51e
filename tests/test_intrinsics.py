from __future__ import annotations

import pytest

from ecrfix.judge import NOT_KNOWN

from .policy_support import repo, run

COND = "Conditions:\n  C: !Equals [a, b]\n"
PARAMS = (
    "Parameters:\n"
    "  Good: {Type: String, Default: IMMUTABLE}\n"
    "  NoDefault: {Type: String}\n"
    "  Ssm: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /x}\n"
    "Mappings:\n"
    "  M:\n"
    "    prod: {Tags: IMMUTABLE}\n"
    "    dev: {Tags: MUTABLE}\n"
    "  Same:\n"
    "    prod: {Tags: IMMUTABLE}\n"
    "    dev: {Tags: IMMUTABLE}\n"
)


def json_repo(value: str, extra: str = "") -> str:
    return (
        '{"Resources": {"Repo": {"Type": "AWS::ECR::Repository", '
        f'"Properties": {{"ImageTagMutability": {value}}}}}}}{extra}}}'
    )


def json_params(value: str) -> str:
    return json_repo(
        value,
        ', "Parameters": {"Good": {"Type": "String", "Default": "IMMUTABLE"}}, '
        '"Mappings": {"M": {"prod": {"Tags": "IMMUTABLE"}, "dev": {"Tags": "MUTABLE"}}}',
    )


@pytest.mark.parametrize(
    "src",
    (
        pytest.param(
            repo("ImageTagMutability: !If [C, IMMUTABLE, IMMUTABLE]", extra=COND), id="if"
        ),
        pytest.param(
            repo("ImageTagMutability: !If [C, !If [C, IMMUTABLE, IMMUTABLE], IMMUTABLE]"),
            id="nested if",
        ),
        pytest.param(repo("ImageTagMutability: !Sub IMMUTABLE"), id="sub without variables"),
        pytest.param(repo("ImageTagMutability: !Select [1, [MUTABLE, IMMUTABLE]]"), id="select"),
        pytest.param(repo("ImageTagMutability: !Ref Good", extra=PARAMS), id="ref default"),
        pytest.param(
            repo("ImageTagMutability: !Sub '${Good}'", extra=PARAMS), id="sub of a parameter"
        ),
        pytest.param(
            repo("ImageTagMutability: !FindInMap [M, prod, Tags]", extra=PARAMS), id="map"
        ),
        pytest.param(
            repo("ImageTagMutability: !FindInMap [Same, !Ref AWS::Region, Tags]", extra=PARAMS),
            id="map, every entry compliant",
        ),
        pytest.param(json_repo('{"Fn::If": ["C", "IMMUTABLE", "IMMUTABLE"]}'), id="json if"),
        pytest.param(json_params('{"Ref": "Good"}'), id="json ref default"),
        pytest.param(json_params('{"Fn::FindInMap": ["M", "prod", "Tags"]}'), id="json map"),
        pytest.param(json_repo('{"Fn::Select": ["0", ["IMMUTABLE"]]}'), id="json select"),
        pytest.param(json_repo('{"Fn::Sub": "IMMUTABLE"}'), id="json sub"),
    ),
)
def test_resolved_compliant_noop(src: str) -> None:
    assert run(src) == (src, [])


@pytest.mark.parametrize(
    ("src", "expected", "actual"),
    (
        pytest.param(
            repo("ImageTagMutability: !If [C, IMMUTABLE, MUTABLE]  # dev"),
            repo("ImageTagMutability: !If [C, IMMUTABLE, IMMUTABLE]  # dev"),
            "'MUTABLE' (through Fn::If)",
            id="if branch",
        ),
        pytest.param(
            repo(
                "ImageTagMutability:\n  Fn::If:\n    - C\n"
                "    - !If [D, 'mutable', IMMUTABLE]\n    - x"
            ),
            repo(
                "ImageTagMutability:\n  Fn::If:\n    - C\n"
                "    - !If [D, 'IMMUTABLE', IMMUTABLE]\n    - IMMUTABLE"
            ),
            "'mutable', 'x' (through Fn::If)",
            id="nested if, both forms",
        ),
        pytest.param(
            repo("ImageTagMutability: !If [C, IMMUTABLE, !Ref AWS::NoValue]"),
            repo("ImageTagMutability: !If [C, IMMUTABLE, IMMUTABLE]"),
            "AWS::NoValue (through Fn::If)",
            id="no value branch",
        ),
        pytest.param(
            repo("ImageTagMutability: !Ref AWS::NoValue"),
            repo("ImageTagMutability: IMMUTABLE"),
            "AWS::NoValue",
            id="no value",
        ),
        pytest.param(
            repo("ImageTagMutability: !Sub MUTABLE"),
            repo("ImageTagMutability: !Sub IMMUTABLE"),
            "'MUTABLE' (through Fn::Sub)",
            id="sub without variables",
        ),
        pytest.param(
            repo("ImageTagMutability: {'Fn::Sub': 'Mutable'}"),
            repo("ImageTagMutability: {'Fn::Sub': 'IMMUTABLE'}"),
            "'Mutable' (through Fn::Sub)",
            id="long sub",
        ),
        pytest.param(
            repo("ImageTagMutability: !Select [0, [MUTABLE, IMMUTABLE]]"),
            repo("ImageTagMutability: !Select [0, [IMMUTABLE, IMMUTABLE]]"),
            "'MUTABLE' (through Fn::Select)",
            id="select",
        ),
        pytest.param(
            repo("ImageTagMutability: Immutable"),
            repo("ImageTagMutability: IMMUTABLE"),
            "'Immutable'",
            id="other casing",
        ),
        pytest.param(
            json_repo('{"Fn::If": ["C", "IMMUTABLE", "MUTABLE"]}'),
            json_repo('{"Fn::If": ["C", "IMMUTABLE", "IMMUTABLE"]}'),
            "'MUTABLE' (through Fn::If)",
            id="json if",
        ),
        pytest.param(
            json_repo('{"Fn::If": ["C", {"Fn::If": ["D", "mutable", "IMMUTABLE"]}, "IMMUTABLE"]}'),
            json_repo(
                '{"Fn::If": ["C", {"Fn::If": ["D", "IMMUTABLE", "IMMUTABLE"]}, "IMMUTABLE"]}'
            ),
            "'mutable' (through Fn::If)",
            id="json nested if",
        ),
        pytest.param(
            json_repo('{"Fn::If": ["C", {"Ref": "AWS::NoValue"}, "IMMUTABLE"]}'),
            json_repo('{"Fn::If": ["C", "IMMUTABLE", "IMMUTABLE"]}'),
            "AWS::NoValue (through Fn::If)",
            id="json no value branch",
        ),
        pytest.param(
            json_repo('{"Fn::Select": [1, ["IMMUTABLE", "MUTABLE"]]}'),
            json_repo('{"Fn::Select": [1, ["IMMUTABLE", "IMMUTABLE"]]}'),
            "'MUTABLE' (through Fn::Select)",
            id="json select",
        ),
        pytest.param(
            json_repo('{"Fn::Sub": "MUTABLE"}'),
            json_repo('{"Fn::Sub": "IMMUTABLE"}'),
            "'MUTABLE' (through Fn::Sub)",
            id="json sub",
        ),
        pytest.param(
            json_repo('"Mutable"'), json_repo('"IMMUTABLE"'), "'Mutable'", id="json other casing"
        ),
    ),
)
def test_literal_branch_is_fixed_safely(src: str, expected: str, actual: str) -> None:
    fixed, seen = run(src)
    assert fixed == expected
    assert [(s.status, s.actual, s.reason) for s in seen] == [("fixable", actual, "")]


@pytest.mark.parametrize(
    ("src", "actual"),
    (
        pytest.param(repo("ImageTagMutability: !ImportValue x"), "Fn::ImportValue", id="import"),
        pytest.param(
            repo("ImageTagMutability: !Ref AWS::Region"),
            "the pseudo parameter AWS::Region",
            id="pseudo parameter",
        ),
        pytest.param(
            repo("ImageTagMutability: !Ref Repo"), "a Ref to the resource Repo", id="resource"
        ),
        pytest.param(
            repo("ImageTagMutability: !Ref Nowhere"),
            "a Ref to Nowhere, which the template does not declare",
            id="undeclared",
        ),
        pytest.param(
            repo("ImageTagMutability: !Ref NoDefault", extra=PARAMS),
            "a Ref to parameter NoDefault, which has no Default",
            id="parameter without default",
        ),
        pytest.param(
            repo("ImageTagMutability: !Ref Ssm", extra=PARAMS),
            "a Ref to parameter Ssm of type AWS::SSM::Parameter::Value<String>",
            id="ssm parameter",
        ),
        pytest.param(repo("ImageTagMutability: !GetAtt Repo.Arn"), "Fn::GetAtt", id="getatt"),
        pytest.param(repo("ImageTagMutability: !Join ['', [IM, MUTABLE]]"), "Fn::Join", id="join"),
        pytest.param(
            repo("ImageTagMutability: !Sub '${AWS::Region}'"),
            "the pseudo parameter AWS::Region",
            id="sub of a pseudo parameter",
        ),
        pytest.param(
            repo("ImageTagMutability: !Sub 'x-${AWS::Region}'"),
            "Fn::Sub with variables",
            id="sub with variables",
        ),
        pytest.param(
            repo("ImageTagMutability: !FindInMap [M, !Ref AWS::Region, Tags]", extra=PARAMS),
            "Fn::FindInMap with a key known only at deployment",
            id="map with a deployment-time key",
        ),
        pytest.param(
            repo("ImageTagMutability: !FindInMap [Nope, a, b]", extra=PARAMS),
            "Fn::FindInMap on a mapping the template does not declare",
            id="undeclared map",
        ),
        pytest.param(
            repo("ImageTagMutability: !Select [0, !GetAZs '']"),
            "Fn::Select from a list known only at deployment",
            id="select from a computed list",
        ),
        pytest.param(json_repo('{"Fn::ImportValue": "x"}'), "Fn::ImportValue", id="json import"),
        pytest.param(
            json_repo('{"Ref": "AWS::AccountId"}'),
            "the pseudo parameter AWS::AccountId",
            id="json pseudo parameter",
        ),
        pytest.param(
            json_repo('{"Fn::Sub": ["${X}", {"X": "MUTABLE"}]}'),
            "Fn::Sub with variables",
            id="json sub with a variable map",
        ),
        pytest.param(
            json_params('{"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "Tags"]}'),
            "Fn::FindInMap with a key known only at deployment",
            id="json map with a deployment-time key",
        ),
    ),
)
def test_unresolvable_is_reported_never_guessed(src: str, actual: str) -> None:
    fixed, seen = run(src, unsafe_fixes=True)
    assert fixed == src
    assert [(s.status, s.actual, s.reason) for s in seen] == [("unfixable", actual, NOT_KNOWN)]


def test_literal_and_unknown_branches_are_two_findings() -> None:
    src = repo("ImageTagMutability: !If [C, MUTABLE, !ImportValue x]")
    fixed, seen = run(src)
    assert fixed == repo("ImageTagMutability: !If [C, IMMUTABLE, !ImportValue x]")
    assert [(s.line, s.status) for s in seen] == [(5, "fixable"), (5, "unfixable")]


def test_no_value_in_block_style_is_rewritten() -> None:
    src = repo("ImageTagMutability:\n  Fn::If:\n    - C\n    - IMMUTABLE\n    - Ref: AWS::NoValue")
    fixed, seen = run(src)
    assert fixed == repo(
        "ImageTagMutability:\n  Fn::If:\n    - C\n    - IMMUTABLE\n    - IMMUTABLE"
    )
    assert [s.status for s in seen] == ["fixable"]
