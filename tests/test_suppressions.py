from __future__ import annotations

import pytest

from .policy_support import run

MUTABLE = "    Properties:\n      ImageTagMutability: MUTABLE\n"


def yaml(resource: str, head: str = "", name: str = "Repo") -> str:
    return f"{head}Resources:\n  {name}:\n    Type: AWS::ECR::Repository\n{resource}"


def json_metadata(metadata: str) -> str:
    return (
        '{"Resources": {"Repo": {"Type": "AWS::ECR::Repository", '
        f'"Metadata": {metadata}, "Properties": {{"ImageTagMutability": "MUTABLE"}}}}}}}}\n'
    )


@pytest.mark.parametrize(
    ("src", "reason"),
    (
        pytest.param(
            yaml(MUTABLE, "# kics-scan ignore\n"),
            "'# kics-scan ignore' on line 1",
            id="kics ignore",
        ),
        pytest.param(
            yaml(MUTABLE, "# header\n\n#kics-scan ignore\n"),
            "'# kics-scan ignore' on line 3",
            id="kics ignore below other comments",
        ),
        pytest.param(
            yaml(MUTABLE, "# kics-scan disable=33F41D31-86b1-46a4-81f7-9c9a671f59ac\n"),
            "'# kics-scan disable=33f41d31-86b1-46a4-81f7-9c9a671f59ac' at the top of the file",
            id="kics disable, any case",
        ),
        pytest.param(
            yaml(MUTABLE, "# kics-scan disable=abc,33f41d31-86b1-46a4-81f7-9c9a671f59ac\n"),
            "'# kics-scan disable=33f41d31-86b1-46a4-81f7-9c9a671f59ac' at the top of the file",
            id="kics disable, several ids",
        ),
        pytest.param(
            yaml(MUTABLE, "# kics-scan enable=0afa6ab8-a047-48cf-be07-93a2f8c34cf7\n"),
            "'# kics-scan enable=...' at the top of the file does not list this query",
            id="kics enable of another query",
        ),
        pytest.param(
            yaml(
                "    Properties:\n      # kics-scan ignore-line\n"
                "      ImageTagMutability: MUTABLE\n"
            ),
            "'# kics-scan ignore-line' on line 5",
            id="kics ignore-line above the key",
        ),
        pytest.param(
            yaml("    # kics-scan ignore-line\n    Properties:\n      RepositoryName: r\n"),
            "'# kics-scan ignore-line' on line 4",
            id="kics ignore-line above Properties",
        ),
        pytest.param(
            "Resources:\n  # kics-scan ignore-block\n  Repo:\n    Type: AWS::ECR::Repository\n",
            "'# kics-scan ignore-block' on line 2",
            id="kics ignore-block above the resource",
        ),
        pytest.param(
            "# kics-scan ignore-block\nResources:\n  Repo:\n    Type: AWS::ECR::Repository\n",
            "'# kics-scan ignore-block' on line 1",
            id="kics ignore-block above Resources",
        ),
        pytest.param(
            yaml("    # kics-scan ignore-block\n" + MUTABLE),
            "'# kics-scan ignore-block' on line 4",
            id="kics ignore-block above Properties",
        ),
        pytest.param(
            yaml(
                "    Properties:\n      # checkov:skip=CKV_AWS_51:cache\n      RepositoryName: r\n"
            ),
            "'# checkov:skip=CKV_AWS_51' on line 5: cache",
            id="checkov comment",
        ),
        pytest.param(
            "Resources:\n  Repo:  #checkov:skip=CKV_AWS_51\n    Type: AWS::ECR::Repository\n",
            "'# checkov:skip=CKV_AWS_51' on line 2",
            id="checkov comment on the logical id",
        ),
        pytest.param(
            yaml("    Metadata:\n      checkov:\n        skip:\n          - id: CKV_AWS_51\n"),
            "Metadata checkov skip CKV_AWS_51",
            id="checkov metadata",
        ),
        pytest.param(
            yaml("    Properties: {ImageTagMutability: MUTABLE}  # ecrfix: ignore mirror\n"),
            "'# ecrfix: ignore' on line 4: mirror",
            id="ecrfix comment",
        ),
        pytest.param(
            "Resources:\n  # ecrfix: ignore\n  # (kept mutable)\n"
            "  Repo:\n    Type: AWS::ECR::Repository\n",
            "'# ecrfix: ignore' on line 2",
            id="ecrfix comment above the resource",
        ),
        pytest.param(
            yaml("    Metadata:\n      ecrfix: {ignore: yes please}\n"),
            "Metadata ecrfix ignore: yes please",
            id="ecrfix metadata reason",
        ),
        pytest.param(
            json_metadata('{"checkov": {"skip": [{"id": "CKV_AWS_51", "comment": "c"}]}}'),
            "Metadata checkov skip CKV_AWS_51: c",
            id="json checkov metadata",
        ),
        pytest.param(
            json_metadata('{"ecrfix": {"ignore": true}}'),
            "Metadata ecrfix ignore",
            id="json ecrfix metadata",
        ),
        pytest.param(
            json_metadata('{"ecrfix": {"ignore": "mirror"}}'),
            "Metadata ecrfix ignore: mirror",
            id="json ecrfix metadata reason",
        ),
    ),
)
def test_suppressed_and_untouched(src: str, reason: str) -> None:
    fixed, seen = run(src, strict=True, unsafe_fixes=True)
    assert fixed == src
    assert [(s.status, s.reason) for s in seen] == [("suppressed", reason)]


@pytest.mark.parametrize(
    "src",
    (
        pytest.param(yaml(MUTABLE, "---\n# kics-scan ignore\n"), id="kics ignore after ---"),
        pytest.param(
            yaml(MUTABLE, "AWSTemplateFormatVersion: '2010-09-09'\n# kics-scan ignore\n"),
            id="kics ignore below content",
        ),
        pytest.param(
            yaml(MUTABLE, "# kics-scan disable=0afa6ab8-a047-48cf-be07-93a2f8c34cf7\n"),
            id="kics disable of another query",
        ),
        pytest.param(
            yaml(MUTABLE, "# kics-scan enable=33f41d31-86b1-46a4-81f7-9c9a671f59ac\n"),
            id="kics enable of this query",
        ),
        pytest.param(
            yaml(
                "    Properties:\n      # kics-scan ignore-line\n"
                "      RepositoryName: r\n      ImageTagMutability: MUTABLE\n"
            ),
            id="kics ignore-line above another key",
        ),
        pytest.param(
            yaml("    Properties:\n      ImageTagMutability: MUTABLE  # kics-scan ignore-line\n"),
            id="kics ignore-line at the end of a line",
        ),
        pytest.param(
            "Description: 'see # kics-scan ignore'\n" + yaml(MUTABLE), id="hash in a quoted string"
        ),
        pytest.param(
            yaml("    Properties:\n      RepositoryName: 'x # checkov:skip=CKV_AWS_51'\n"),
            id="checkov inside a quoted string",
        ),
        pytest.param(
            yaml(
                "    Properties:\n      Text: |\n        # kics-scan ignore-line\n"
                "      ImageTagMutability: MUTABLE\n"
            ),
            id="kics inside a block scalar",
        ),
        pytest.param(
            yaml(
                "    Properties:\n      Text: a#ecrfix:ignore\n      ImageTagMutability: MUTABLE\n"
            ),
            id="hash without a space before it",
        ),
        pytest.param(
            yaml(
                "    Properties:\n      # checkov:skip=CKV_AWS_136\n"
                "      ImageTagMutability: MUTABLE\n"
            ),
            id="checkov skip of another check",
        ),
        pytest.param(
            yaml("    Metadata: {checkov: {skip: [{id: ckv_aws_51}]}}\n" + MUTABLE),
            id="checkov ids are exact",
        ),
        pytest.param(
            "Resources:\n  # checkov:skip=CKV_AWS_51\n  Repo:\n    Type: AWS::ECR::Repository\n",
            id="checkov comment above the resource",
        ),
        pytest.param(
            yaml("    Metadata: {ecrfix: {ignore: false}}\n" + MUTABLE), id="ecrfix ignore false"
        ),
        pytest.param(
            yaml(MUTABLE) + "  Other:\n    Type: AWS::S3::Bucket  # ecrfix: ignore\n",
            id="ecrfix comment of another resource",
        ),
        pytest.param(
            json_metadata('{"ecrfix": {"ignore": ""}}'), id="json ecrfix ignore without reason"
        ),
    ),
)
def test_not_suppressed(src: str) -> None:
    _, seen = run(src)
    assert [s.status for s in seen] == ["fixable"]


def test_ignore_block_covers_only_its_block() -> None:
    src = (
        "Resources:\n"
        "  # kics-scan ignore-block\n"
        "  Quiet:\n    Type: AWS::ECR::Repository\n"
        "  Loud:\n    Type: AWS::ECR::Repository\n"
    )
    fixed, seen = run(src)
    assert [(s.resource, s.status) for s in seen] == [("Quiet", "suppressed"), ("Loud", "fixable")]
    assert fixed == src + "    Properties:\n      ImageTagMutability: IMMUTABLE\n"


def test_ignore_line_above_a_parameter_default() -> None:
    src = (
        "Parameters:\n  Mode:\n    Type: String\n"
        "    # kics-scan ignore-line\n    Default: MUTABLE\n"
        "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n"
        "    Properties:\n      ImageTagMutability: !Ref Mode\n"
    )
    fixed, seen = run(src, unsafe_fixes=True)
    assert fixed == src
    assert [(s.line, s.status) for s in seen] == [(5, "suppressed")]


def test_crlf_and_bom() -> None:
    src = "\ufeff# kics-scan ignore\r\n" + yaml(MUTABLE).replace("\n", "\r\n")
    fixed, seen = run(src)
    assert fixed == src
    assert [s.status for s in seen] == ["suppressed"]


@pytest.mark.parametrize(
    "head",
    (
        "# KICS-SCAN ignore\n",
        "# \u212aics-scan ignore\n",  # KELVIN SIGN: lowercases to an ASCII k
        "# k\u0131cs-scan ignore\n",  # dotless i: re's IGNORECASE takes it for i, lower() does not
        "# kics-\u017fcan ignore\n",  # long s, likewise
    ),
)
def test_directive_prefilter_finds_what_the_case_blind_regex_finds(head: str) -> None:
    # the quick test for "names no directive" must never skip a comment the regex reads
    from ecrfix.suppressions import _DIRECTIVE, _holds_directive

    src = yaml(MUTABLE, head)
    assert _holds_directive(src) is (_DIRECTIVE.search(src) is not None)
    _, seen = run(src)
    expected = "suppressed" if _DIRECTIVE.search(src) else "fixable"
    assert [s.status for s in seen] == [expected]


def test_directive_prefilter_passes_text_without_directives() -> None:
    from ecrfix.suppressions import _holds_directive

    assert not _holds_directive(yaml(MUTABLE, "# ecr fix later; checkov skips it\n"))
    assert _holds_directive(yaml(MUTABLE, "# see ecrfix docs\n")) is False
