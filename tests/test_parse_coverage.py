"""Every template cfn-lint can parse, ecrfix parses too; the rest are listed with a reason.

libyaml's composer refuses a tag before a plain scalar holding `::` inside a flow
collection; the pure one refuses a tab between tokens. ecrfix falls back from one to the
other, and reads such a tab as a space when the pure one is the only hope.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cfnlint.decode import decode as cfn_lint_decode

from ecrfix.compose import _compose, compose_documents
from ecrfix.engine import analyze
from ecrfix.errors import TemplateError
from ecrfix.source import decode

from .conftest import shared_dir

REGION_IN_FLOW = "Resources:\n  R:\n    Type: X\n    Properties: {Region: !Ref AWS::Region}\n"
TAB_BEFORE_COMMENT = "Resources:\n  R:\n    Type: X\t# the type\n"
BOTH = (
    "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\t# tab\n"
    "    Properties: {RegistryId: !Ref AWS::AccountId}\n"
)

GO_TEMPLATE = "Go template actions ({{...}}) where YAML expects a key"
JINJA = "Jinja ({# #}, {% %}) that is not YAML as written"
MARKDOWN = "Markdown prose around quoted YAML"
# Files that neither cfn-lint nor ecrfix parses, with why; `line` is where ecrfix stops.
NEITHER = {
    "ecr/aws__copilot-cli__internal__pkg__template__templates__app__cf.yml": (3, GO_TEMPLATE),
    "ecr/aws__copilot-cli__internal__pkg__template__templates__task__cf.yml": (70, GO_TEMPLATE),
    "ecr/aws__copilot-cli__templates__app__versions__v0.0.0__cf.yml": (3, GO_TEMPLATE),
    "ecr/aws__copilot-cli__templates__app__versions__v1.0.0__cf.yml": (3, GO_TEMPLATE),
    "ecr/aws__copilot-cli__templates__app__versions__v1.0.1__cf.yml": (3, GO_TEMPLATE),
    "ecr/aws__copilot-cli__templates__project__cf.yml": (3, GO_TEMPLATE),
    "ecr/cometadata__comet-data-infrastructure__infra__templates__ecr.j2": (2, JINJA),
    "general/aws-cloudformation__cfn-lint__test__fixtures__templates__bad__core__"
    "config_invalid_json.json": (8, "invalid JSON on purpose: a missing comma in an array"),
    "general/aws-cloudformation__cfn-lint__test__fixtures__templates__bad__json_parse.json": (
        5,
        "invalid JSON on purpose: a missing colon",
    ),
    "general/aws__aws-sam-cli-pipeline-init-templates__AWS-CodePipeline__two-stage-pipeline-"
    "template__{{cookiecutter.outputDir}}__codepipeline.yaml": (1, JINJA),
    "general/aws__copilot-cli__internal__pkg__template__templates__addons__aurora__env__rdws__"
    "ingress.yml": (15, GO_TEMPLATE),
    "general/aws__copilot-cli__internal__pkg__template__templates__workloads__services__"
    "backend__cf.yml": (8, GO_TEMPLATE),
    "general/aws__copilot-cli__internal__pkg__template__templates__workloads__services__"
    "static-site__cf.yml": (7, GO_TEMPLATE),
    "general/bridgecrewio__checkov__tests__cloudformation__parser__success_triple_quotes_"
    "string.json": (17, 'Python """triple quotes""", which neither JSON nor YAML has'),
    "decoys/aquasecurity__trivy-checks__avd_docs__aws__ecr__AWS-0031__CloudFormation.md": (
        5,
        MARKDOWN,
    ),
    "decoys/aws__aws-sam-cli__designs__auto-create-ecr.md": (10, MARKDOWN),
}
KICS_MULTI_DOCUMENT = "several YAML documents in one file; cfn-lint reads only one"
# Files ecrfix parses and cfn-lint does not, with why.
ONLY_ECRFIX = {
    "ecr/aws-samples__aws-refarch-shibboleth__templates__deployment-pipeline.yaml": (
        "duplicate keys (parameter `Name`), refused by cfn-lint"
    ),
    "general/aws-cloudformation__cfn-lint__test__fixtures__templates__bad__duplicate.json": (
        "a duplicate logical id, refused by cfn-lint (ecrfix refuses it later, as a template)"
    ),
    "general/aws-cloudformation__cfn-lint__test__fixtures__templates__bad__core__"
    "parse_invalid_map.yaml": "a mapping as a key, which cfn-lint cannot hash",
    **{
        f"general/DataDog__kics__assets__queries__cloudFormation__{name}": KICS_MULTI_DOCUMENT
        for name in (
            "aws__s3_bucket_allows_public_acl__test__positive1.yaml",
            "aws__s3_bucket_with_public_policy__test__positive1.yaml",
            "aws__s3_bucket_without_ignore_public_acl__test__positive1.yaml",
            "aws__s3_bucket_without_restriction_of_public_bucket__test__positive1.yaml",
            "sqs_queue_policy_with_wildcard_principals__test__negative.yaml",
            "workspace_without_encryption__test__positive.yaml",
        )
    },
}


@pytest.mark.parametrize(
    ("text", "refused_by"),
    [
        pytest.param(REGION_IN_FLOW, "libyaml", id="tagged AWS::Region in a flow mapping"),
        pytest.param(TAB_BEFORE_COMMENT, "pure", id="tab before a comment"),
        pytest.param(BOTH, "both", id="both in one file"),
    ],
)
def test_one_composer_refusing_is_not_the_end(text: str, refused_by: str) -> None:
    for pure, name in ((False, "libyaml"), (True, "pure")):
        if refused_by in (name, "both"):
            with pytest.raises(TemplateError):
                _compose(text, pure=pure)
    assert len(compose_documents(text)) == 1


def test_a_tab_read_as_a_space_keeps_positions_and_fixes() -> None:
    outcome = analyze(decode(BOTH.encode()))
    assert [(f.line, f.column, f.status) for f in outcome.findings] == [(4, 5, "fixable")]
    assert outcome.fixed == BOTH.replace("{Reg", "{ImageTagMutability: IMMUTABLE, Reg")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Resources:\n\tR:\n    Type: X\n", id="tab as indentation"),
        pytest.param("Resources: {R: [a, !Ref AWS::Region}\n", id="unclosed flow"),
    ],
)
def test_invalid_yaml_is_still_refused(text: str) -> None:
    with pytest.raises(TemplateError):
        compose_documents(text)


def _cfn_lint_parses(path: Path) -> bool:
    template, matches = cfn_lint_decode(str(path))
    return template is not None and not matches


def _ecrfix_error(path: Path) -> TemplateError | None:
    try:
        compose_documents(decode(path.read_bytes()).body)
    except TemplateError as exc:
        return exc
    return None


def test_ecrfix_parses_whatever_cfn_lint_parses() -> None:
    corpus = shared_dir("corpus")
    neither: dict[str, int | None] = {}
    only_ecrfix: set[str] = set()
    for folder in ("ecr", "general", "decoys"):
        for path in sorted((corpus / folder).iterdir()):
            name = f"{folder}/{path.name}"
            error = _ecrfix_error(path)
            if _cfn_lint_parses(path):
                assert error is None, f"{name}: cfn-lint parses it, ecrfix says {error}"
            elif error is None:
                only_ecrfix.add(name)
            else:
                neither[name] = error.line
    assert neither == {name: line for name, (line, _) in NEITHER.items()}
    assert only_ecrfix == set(ONLY_ECRFIX)
