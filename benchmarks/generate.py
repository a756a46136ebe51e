"""Synthetic CloudFormation inputs for the benchmarks, the same for a given seed.

    python benchmarks/generate.py tree OUT --templates 10000   # a monorepo, ~2% with ECR
    python benchmarks/generate.py huge OUT.yaml --repositories 5000   # or OUT.json

Templates are written the way people write them: YAML in block style with short-form
intrinsics (`!Ref`, `!Sub`, `!GetAtt`) and comments, JSON indented by 2 or 4 spaces with
`Fn::` intrinsics, 1-20 KB each.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from emit import render

ECR_SHARE = 0.02
SIZE_FACTOR: dict[object, float] = {"yaml": 0.6, 2: 1.0, 4: 1.45}
GITIGNORE = "build/\ncdk.out/\n.aws-sam/\n*.pyc\n"


def tags(rng: random.Random, name: str) -> list[dict[str, Any]]:
    return [
        {"Key": "Name", "Value": {"Fn::Sub": f"${{AWS::StackName}}-{name}"}},
        {"Key": "team", "Value": rng.choice(["payments", "search", "platform", "data"])},
        {"Key": "cost-center", "Value": str(rng.randint(1000, 9999))},
    ]


def policy(rng: random.Random, service: str) -> dict[str, Any]:
    actions = rng.sample(["GetObject", "PutObject", "ListBucket", "DeleteObject"], 2)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [f"s3:{a}" for a in actions] + ["ecr:GetAuthorizationToken"],
                "Resource": {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{service}-*"},
            },
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "*",
            },
        ],
    }


def resource(rng: random.Random, kind: str, name: str, service: str) -> dict[str, Any]:
    if kind == "bucket":
        props: dict[str, Any] = {
            "BucketName": {"Fn::Sub": f"${{AWS::AccountId}}-{service}-{name.lower()}"},
            "VersioningConfiguration": {"Status": "Enabled"},
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}
                ]
            },
            "Tags": tags(rng, name),
        }
        return {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "Properties": props}
    if kind == "queue":
        props = {
            "QueueName": {"Fn::Sub": f"${{AWS::StackName}}-{name}"},
            "VisibilityTimeout": rng.choice([30, 60, 300]),
            "MessageRetentionPeriod": 1209600,
            "Tags": tags(rng, name),
        }
        return {"Type": "AWS::SQS::Queue", "Properties": props}
    if kind == "role":
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": ["lambda.amazonaws.com"]},
                    "Action": ["sts:AssumeRole"],
                }
            ],
        }
        props = {
            "AssumeRolePolicyDocument": trust,
            "Path": "/",
            "Policies": [{"PolicyName": f"{name}-policy", "PolicyDocument": policy(rng, service)}],
        }
        return {"Type": "AWS::IAM::Role", "Properties": props}
    if kind == "function":
        props = {
            "Handler": "app.handler",
            "Runtime": rng.choice(["python3.12", "nodejs20.x"]),
            "MemorySize": rng.choice([128, 256, 512]),
            "Timeout": 30,
            "Role": {"Fn::GetAtt": [f"{name}Role", "Arn"]},
            "Code": {"S3Bucket": {"Ref": "ArtifactBucket"}, "S3Key": f"{service}/{name}.zip"},
            "Environment": {
                "Variables": {"STAGE": {"Ref": "Environment"}, "TABLE": f"{service}-table"}
            },
            "Tags": tags(rng, name),
        }
        return {"Type": "AWS::Lambda::Function", "Properties": props}
    # a log group is the smallest resource, it fills a template up to its size
    return {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": {"Fn::Sub": f"/aws/{service}/{name}"},
            "RetentionInDays": 14,
        },
    }


def repository(rng: random.Random, name: str, service: str) -> dict[str, Any]:
    rules = [
        {
            "rulePriority": 1,
            "description": "keep the last 30 images",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
            "action": {"type": "expire"},
        }
    ]
    props: dict[str, Any] = {
        "RepositoryName": {"Fn::Sub": f"{service}/{name.lower()}"},
        "ImageScanningConfiguration": {"ScanOnPush": True},
        "EncryptionConfiguration": {"EncryptionType": "KMS"},
        "LifecyclePolicy": {"LifecyclePolicyText": json.dumps({"rules": rules})},
        "Tags": tags(rng, name),
    }
    roll = rng.random()
    if roll < 0.1:
        return {"Type": "AWS::ECR::Repository"}  # no Properties at all
    if roll < 0.45:
        props["ImageTagMutability"] = "MUTABLE"
    elif roll < 0.7:
        props["ImageTagMutability"] = "IMMUTABLE"
    return {"Type": "AWS::ECR::Repository", "Properties": props}


def template(rng: random.Random, service: str, size: int, repositories: int) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for i in range(repositories):
        resources[f"Repo{i:04d}"] = repository(rng, f"Repo{i:04d}", service)
    doc = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"{service}: stack of the {service} service",
        "Parameters": {
            "Environment": {
                "Type": "String",
                "Default": "dev",
                "AllowedValues": ["dev", "staging", "prod"],
            },
            "ArtifactBucket": {"Type": "String"},
        },
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Environment"}, "prod"]}},
        "Resources": resources,
        "Outputs": {"Stack": {"Value": {"Ref": "AWS::StackName"}}},
    }
    kinds = ["bucket", "queue", "role", "function", "log"]
    written = len(json.dumps(doc, indent=2))  # about the size of the YAML or JSON text
    while written < size:
        kind = rng.choice(kinds)
        name = f"{kind.capitalize()}{len(resources):03d}"
        resources[name] = resource(rng, kind, name, service)
        written += len(json.dumps(resources[name], indent=2)) + len(name) + 10
    return doc


def write_tree(out: Path, templates: int, seed: int) -> int:
    """`templates` files in team/service folders; returns how many declare ECR."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / ".gitignore").write_text(GITIGNORE)
    with_ecr = 0
    for i in range(templates):
        service = f"svc{i // 4:05d}"
        folder = out / f"team{i // 4 % 37:02d}" / service / "infra"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 4 == 0:
            (folder.parent / "README.md").write_text(f"# {service}\n")
        fmt = "json" if rng.random() < 0.35 else "yaml"
        indent = rng.choice([2, 4])
        size = int(1000 * 18 ** rng.random())  # log-uniform, 1 to 18 KB plus a last resource
        repos = rng.randint(1, 3) if rng.random() < ECR_SHARE else 0
        with_ecr += repos > 0
        # sizes are estimated as JSON indented by 2; YAML is smaller, JSON by 4 larger
        doc = template(
            rng, service, int(size / SIZE_FACTOR[fmt if fmt == "yaml" else indent]), repos
        )
        (folder / f"stack{i % 4}.{fmt}").write_text(render(doc, fmt, rng, indent))
    return with_ecr


def write_huge(out: Path, repositories: int, seed: int) -> None:
    rng = random.Random(seed)
    fmt = "json" if out.suffix == ".json" else "yaml"
    doc = template(rng, "registry", 0, repositories)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(doc, fmt, rng, indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    tree = sub.add_parser("tree", help="a monorepo of templates")
    tree.add_argument("out", type=Path)
    tree.add_argument("--templates", type=int, default=1000)
    huge = sub.add_parser("huge", help="one template with many repositories")
    huge.add_argument("out", type=Path)
    huge.add_argument("--repositories", type=int, default=5000)
    for p in (tree, huge):
        p.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.what == "tree":
        n = write_tree(args.out, args.templates, args.seed)
        print(f"{args.out}: {args.templates} templates, {n} with ECR repositories")
    else:
        write_huge(args.out, args.repositories, args.seed)
        print(f"{args.out}: {args.repositories} repositories, {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
