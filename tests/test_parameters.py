from __future__ import annotations

import pytest

from ecrfix.judge import UNSAFE

from .policy_support import run


def template(parameter: str, uses: str = "", extra: str = "") -> str:
    """A parameter `Mode` declared by `parameter`, read by repository `Repo` and `uses`."""
    body = "".join(f"    {line}\n" for line in parameter.splitlines())
    return (
        f"Parameters:\n  Mode:\n{body}{extra}Resources:\n"
        "  Repo:\n    Type: AWS::ECR::Repository\n"
        "    Properties:\n      ImageTagMutability: !Ref Mode\n" + uses
    )


def json_template(parameter: str, uses: str = "") -> str:
    return (
        '{\n  "Parameters": {\n    "Mode": ' + parameter + "\n  },\n"
        '  "Resources": {\n    "Repo": {"Type": "AWS::ECR::Repository", '
        '"Properties": {"ImageTagMutability": {"Ref": "Mode"}}}' + uses + "\n  }\n}\n"
    )


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        pytest.param(
            template("Type: String\nDefault: MUTABLE"),
            template("Type: String\nDefault: IMMUTABLE"),
            id="no AllowedValues",
        ),
        pytest.param(
            template("Type: String\nDefault: MUTABLE  # why\nAllowedValues:\n  - MUTABLE\n# end"),
            template(
                "Type: String\nDefault: IMMUTABLE  # why\nAllowedValues:\n  - MUTABLE\n"
                "  - IMMUTABLE\n# end"
            ),
            id="block AllowedValues",
        ),
        pytest.param(
            template("Type: String\nDefault: 'MUTABLE'\nAllowedValues: ['MUTABLE', 'mutable']"),
            template(
                "Type: String\nDefault: 'IMMUTABLE'\n"
                "AllowedValues: ['MUTABLE', 'mutable', 'IMMUTABLE']"
            ),
            id="flow AllowedValues",
        ),
        pytest.param(
            template("Type: String\nDefault: MUTABLE\nAllowedValues: [IMMUTABLE, MUTABLE]"),
            template("Type: String\nDefault: IMMUTABLE\nAllowedValues: [IMMUTABLE, MUTABLE]"),
            id="IMMUTABLE already allowed",
        ),
        pytest.param(
            template("Type: String\nDefault: MUTABLE\nAllowedPattern: '[A-Z]+'"),
            template("Type: String\nDefault: IMMUTABLE\nAllowedPattern: '[A-Z]+'"),
            id="AllowedPattern accepts it",
        ),
        pytest.param(
            template(
                "Type: String\nDefault: MUTABLE",
                "  Other:\n    Type: AWS::ECR::RepositoryCreationTemplate\n"
                "    Properties:\n      ImageTagMutability: !If [C, !Sub '${Mode}', IMMUTABLE]\n",
            ),
            template(
                "Type: String\nDefault: IMMUTABLE",
                "  Other:\n    Type: AWS::ECR::RepositoryCreationTemplate\n"
                "    Properties:\n      ImageTagMutability: !If [C, !Sub '${Mode}', IMMUTABLE]\n",
            ),
            id="read by two tag mutability properties",
        ),
        pytest.param(
            json_template('{"Type": "String", "Default": "MUTABLE", "AllowedValues": ["MUTABLE"]}'),
            json_template(
                '{"Type": "String", "Default": "IMMUTABLE", '
                '"AllowedValues": ["MUTABLE", "IMMUTABLE"]}'
            ),
            id="json inline AllowedValues",
        ),
        pytest.param(
            json_template('{"Type":"String","Default":"MUTABLE","AllowedValues":["MUTABLE"]}'),
            json_template(
                '{"Type":"String","Default":"IMMUTABLE","AllowedValues":["MUTABLE","IMMUTABLE"]}'
            ),
            id="json minified AllowedValues",
        ),
        pytest.param(
            json_template(
                '{\n      "Type": "String",\n      "Default": "Mutable",\n'
                '      "AllowedValues": [\n        "Mutable"\n      ]\n    }'
            ),
            json_template(
                '{\n      "Type": "String",\n      "Default": "IMMUTABLE",\n'
                '      "AllowedValues": [\n        "Mutable",\n        "IMMUTABLE"\n      ]\n    }'
            ),
            id="json block AllowedValues",
        ),
    ),
)
def test_default_is_changed_with_unsafe_fixes(src: str, expected: str) -> None:
    fixed, seen = run(src, unsafe_fixes=True)
    assert fixed == expected
    assert {(s.line, s.status) for s in seen} == {(seen[0].line, "fixable")}
    assert "(from parameter 'Mode')" in seen[0].actual


@pytest.mark.parametrize(
    "src",
    (
        pytest.param(template("Type: String\nDefault: MUTABLE"), id="yaml"),
        pytest.param(json_template('{"Type": "String", "Default": "MUTABLE"}'), id="json"),
    ),
)
def test_default_needs_unsafe_fixes(src: str) -> None:
    fixed, seen = run(src)
    assert fixed == src
    assert [(s.resource, s.line, s.status, s.reason) for s in seen] == [
        ("Repo", 3 if src.startswith("{") else 4, "unfixable", UNSAFE)
    ]


@pytest.mark.parametrize(
    ("src", "reason"),
    (
        pytest.param(
            template(
                "Type: String\nDefault: MUTABLE", extra="Conditions:\n  C: !Equals [!Ref Mode, x]\n"
            ),
            "parameter 'Mode' is also read by Conditions.C",
            id="read by a condition",
        ),
        pytest.param(
            template(
                "Type: String\nDefault: MUTABLE",
                "  Log:\n    Type: AWS::Logs::LogGroup\n"
                "    Properties:\n      LogGroupName: !Sub 'logs-${Mode}'\n",
            ),
            "parameter 'Mode' is also read by Resources.Log.Properties.LogGroupName",
            id="read by another property",
        ),
        pytest.param(
            template(
                "Type: String\nDefault: MUTABLE",
                "  Mirror:\n    Type: AWS::ECR::Repository\n"
                "    Metadata: {ecrfix: {ignore: mirror}}\n"
                "    Properties:\n      ImageTagMutability: !Ref Mode\n",
            ),
            "parameter 'Mode' also sets the suppressed resource Mirror",
            id="also sets a suppressed repository",
        ),
        pytest.param(
            template("Type: String\nDefault: MUTABLE\nAllowedPattern: '^MUTABLE$'"),
            "the AllowedPattern of parameter 'Mode' does not accept IMMUTABLE",
            id="AllowedPattern rejects it",
        ),
        pytest.param(
            template("Type: String\nDefault: MUTABLE\nAllowedValues: !Split [',', 'a,b']"),
            "the AllowedValues of parameter 'Mode' is not a plain list",
            id="AllowedValues is not a list",
        ),
        pytest.param(
            template("Type: String\nDefault: MUTABLE_WITH_EXCLUSION"),
            "parameter 'Mode' and the ImageTagMutabilityExclusionFilters of its readers",
            id="exclusion mode default",
        ),
        pytest.param(
            template(
                "Type: String\nDefault: MUTABLE",
                "  Filtered:\n    Type: AWS::ECR::Repository\n    Properties:\n"
                "      ImageTagMutability: !Ref Mode\n"
                "      ImageTagMutabilityExclusionFilters: []\n",
            ),
            "parameter 'Mode' also sets Filtered, which has ImageTagMutabilityExclusionFilters",
            id="another reader has exclusion filters",
        ),
        pytest.param(
            json_template(
                '{"Type": "String", "Default": "MUTABLE"}',
                ',\n    "Out": {"Type": "AWS::SSM::Parameter", '
                '"Properties": {"Value": {"Ref": "Mode"}}}',
            ),
            "parameter 'Mode' is also read by Resources.Out.Properties.Value",
            id="json read by another resource",
        ),
    ),
)
def test_shared_default_is_not_changed(src: str, reason: str) -> None:
    fixed, seen = run(src, unsafe_fixes=True)
    assert fixed == src
    repo_findings = [s for s in seen if s.resource == "Repo"]
    assert [s.status for s in repo_findings] == ["unfixable"]
    assert repo_findings[0].reason.startswith(reason)


def test_finding_points_at_default_and_names_each_repository() -> None:
    src = template(
        "Type: String\nDescription: d\nDefault: MUTABLE",
        "  Second:\n    Type: AWS::ECR::Repository\n"
        "    Properties:\n      ImageTagMutability: !Ref Mode\n",
    )
    _, seen = run(src)
    assert [(s.resource, s.line) for s in seen] == [("Repo", 5), ("Second", 5)]


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        pytest.param(
            "Mappings:\n  M:\n    all: {Tags: MUTABLE}\nResources:\n"
            "  Repo:\n    Type: AWS::ECR::Repository\n"
            "    Properties:\n      ImageTagMutability: !FindInMap [M, all, Tags]\n",
            "Mappings:\n  M:\n    all: {Tags: IMMUTABLE}\nResources:\n"
            "  Repo:\n    Type: AWS::ECR::Repository\n"
            "    Properties:\n      ImageTagMutability: !FindInMap [M, all, Tags]\n",
            id="yaml",
        ),
        pytest.param(
            '{"Mappings": {"M": {"all": {"Tags": "MUTABLE"}}}, "Resources": {"Repo": '
            '{"Type": "AWS::ECR::Repository", "Properties": '
            '{"ImageTagMutability": {"Fn::FindInMap": ["M", "all", "Tags"]}}}}}',
            '{"Mappings": {"M": {"all": {"Tags": "IMMUTABLE"}}}, "Resources": {"Repo": '
            '{"Type": "AWS::ECR::Repository", "Properties": '
            '{"ImageTagMutability": {"Fn::FindInMap": ["M", "all", "Tags"]}}}}}',
            id="json",
        ),
    ),
)
def test_mapping_entry_is_changed_with_unsafe_fixes(src: str, expected: str) -> None:
    unchanged, reported = run(src)
    assert (unchanged, [(s.status, s.reason) for s in reported]) == (src, [("unfixable", UNSAFE)])
    fixed, seen = run(src, unsafe_fixes=True)
    assert fixed == expected
    assert [(s.status, s.actual) for s in seen] == [
        ("fixable", "'MUTABLE' (from Mappings.M.all.Tags)")
    ]


def test_mapping_entry_read_elsewhere_is_not_changed() -> None:
    src = (
        "Mappings:\n  M:\n    all: {Tags: MUTABLE}\nResources:\n"
        "  Repo:\n    Type: AWS::ECR::Repository\n"
        "    Properties:\n      ImageTagMutability: !FindInMap [M, !Ref AWS::Region, Tags]\n"
        "  Named:\n    Type: AWS::ECR::Repository\n"
        "    Properties:\n      ImageTagMutability: !FindInMap [M, all, Tags]\n"
        "Outputs:\n  O: {Value: !FindInMap [!Ref AWS::Region, all, Tags]}\n"
    )
    fixed, seen = run(src, unsafe_fixes=True)
    assert fixed == src
    assert ("Named", "Mappings.M.all.Tags is also read by Outputs.O.Value") in {
        (s.resource, s.reason) for s in seen
    }
