"""When fixing everything at once would change a resource that is not being fixed, the
fixes that verify are still made and only the conflicting ones are left for review."""

from __future__ import annotations

import pytest

from ecrfix import engine
from ecrfix.engine import analyze
from ecrfix.source import decode

SHARED = (
    "  Shared:\n    Type: AWS::ECR::Repository\n    Properties: &tags\n"
    "      Tags: [{Key: team, Value: a}]\n"
    "  Bucket:\n    Type: AWS::S3::Bucket\n    Properties: *tags\n"
)


def _template(repositories: int) -> str:
    blocks = [
        f"  Repo{i}:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: r{i}\n"
        for i in range(repositories)
    ]
    blocks.insert(repositories // 2, SHARED)
    return "Resources:\n" + "".join(blocks)


@pytest.mark.parametrize("repositories", [1, 2, 7, 64])
def test_only_the_conflicting_repository_is_left(repositories: int) -> None:
    outcome = analyze(decode(_template(repositories).encode()))
    statuses = {f.resource: f.status for f in outcome.findings}
    assert statuses.pop("Shared") == "unfixable"
    assert set(statuses.values()) == {"fixable"} and len(statuses) == repositories
    assert outcome.fixed.count("ImageTagMutability: IMMUTABLE") == repositories
    assert "Properties: &tags\n      Tags" in outcome.fixed  # the shared mapping untouched


def test_isolation_parses_a_logarithmic_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []
    verify = engine._verify

    def counting(*args: object, **kwargs: object) -> str | None:
        calls.append(1)
        return verify(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_verify", counting)
    analyze(decode(_template(256).encode()))
    assert len(calls) <= 30  # one verification per repository would be 258
