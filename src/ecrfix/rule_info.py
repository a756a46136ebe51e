"""What the one rule of ecrfix is called and how it is explained, for SARIF and annotations."""

from __future__ import annotations

from ecrfix import QUERY_ID

RULE_ID = "ecr-image-tag-not-immutable"
RULE_NAME = "EcrImageTagNotImmutable"
TITLE = f"ecrfix ({RULE_ID})"
SHORT = "ECR repository image tags can be overwritten"
FULL = (
    "An AWS::ECR::Repository (or AWS::ECR::RepositoryCreationTemplate) whose "
    "ImageTagMutability is missing or MUTABLE lets anyone who can push replace the image "
    "behind an existing tag, so a deployment that pins a tag may run different code later."
)
FIX = "Set ImageTagMutability to IMMUTABLE"
HELP_URI = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecr-repository.html"
SECURITY_SEVERITY = "5.5"  # MEDIUM, as KICS rates the query; GitHub reads 4.0-6.9 as medium
TAGS = ("security", "cloudformation", "aws", "ecr", "external/cwe/cwe-710")
SAME_AS = f"KICS {QUERY_ID}, checkov CKV_AWS_51, trivy AVD-AWS-0031"

HELP_TEXT = (
    f"{FULL}\n\n"
    "Fix: set `ImageTagMutability: IMMUTABLE` in the resource's Properties "
    "(`ecrfix --write` makes that edit and nothing else). Omitting the property means MUTABLE.\n\n"
    f"The same check: {SAME_AS}.\n"
)
HELP_MARKDOWN = (
    f"{FULL}\n\n"
    "## Fix\n\n"
    "```yaml\n"
    "MyRepository:\n"
    "  Type: AWS::ECR::Repository\n"
    "  Properties:\n"
    "    ImageTagMutability: IMMUTABLE\n"
    "```\n\n"
    "`ecrfix --write PATH` makes exactly this edit and changes nothing else in the file. "
    "Omitting the property means `MUTABLE`.\n\n"
    f"The same check: {SAME_AS}. "
    f"See [AWS::ECR::Repository]({HELP_URI}).\n"
)
