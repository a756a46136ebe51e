from __future__ import annotations

import time

import httpx
import pytest

from ecrfix import pr_text
from ecrfix.github_api import _rate_limit_delay
from ecrfix.model import FIXED, REPOSITORY, UNFIXABLE, Finding
from ecrfix.pr_settings import PrError, repo_name
from ecrfix.run import FileError, FileReport

from .conftest import ROOT


def finding(resource: str, status: str = FIXED, reason: str = "") -> Finding:
    return Finding(5, 7, resource, REPOSITORY, "IncorrectValue", "'MUTABLE'", status, reason)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://github.com/acme/infra.git", "acme/infra", id="https"),
        pytest.param("https://github.com/acme/infra", "acme/infra", id="https without .git"),
        pytest.param("git@github.com:acme/infra.git", "acme/infra", id="scp-like ssh"),
        pytest.param("ssh://git@github.com/acme/infra.git", "acme/infra", id="ssh URL"),
        pytest.param("https://ghe.example.com:8443/acme/my.repo.git", "acme/my.repo", id="GHE"),
        pytest.param("https://x-access-token:abc@github.com/acme/infra", "acme/infra", id="creds"),
        pytest.param("/srv/git/infra.git", None, id="local path"),
        pytest.param("../origin.git", None, id="relative path"),
    ],
)
def test_repository_from_remote_url(url: str, expected: str | None) -> None:
    assert repo_name(None, {}, url) == expected


def test_repository_flag_then_environment_then_url() -> None:
    url = "https://github.com/from/url"
    env = {"GITHUB_REPOSITORY": "from/env"}
    assert repo_name("from/flag", env, url) == "from/flag"
    assert repo_name(None, env, url) == "from/env"
    with pytest.raises(PrError, match="'a/b/c' is not a GitHub repository name"):
        repo_name("a/b/c", {}, None)


def test_body_table_cells_cannot_break_the_table() -> None:
    report = FileReport("odd|name`.yaml", [finding("Repo")], "a", "b")
    body = pr_text.pr_body([report], [], ["."])
    assert "| `` odd\\|name`.yaml `` | `Repo` | `MUTABLE` | `IMMUTABLE` |" in body


def test_body_lists_what_is_left_with_reasons() -> None:
    reports = [
        FileReport("a.yaml", [finding("Fixed"), finding("Kept", UNFIXABLE, "shared anchor")]),
        FileReport("b.yaml", [finding("Cache", "suppressed", "kics-scan ignore-block")]),
    ]
    errors = [FileError("c.yaml", "invalid YAML/JSON: found @user", 3)]
    body = pr_text.pr_body(reports, errors, ["--strict", "infra"])
    assert body.startswith(pr_text.MARKER + "\n")
    assert "on 1 ECR repository," in body
    left = body[body.index("### Left for a human") : body.index("### Reproduce")]
    assert left.splitlines()[2:] == [
        "| File | Line | Logical ID | Status | Why |",
        "|---|---|---|---|---|",
        "| `a.yaml` | 5 | `Kept` | unfixable | shared anchor |",
        "| `b.yaml` | 5 | `Cache` | suppressed | kics-scan ignore-block |",
        "| `c.yaml` | 3 | | error | invalid YAML/JSON: found &#64;user |",
        "",
    ]
    assert "```sh\necrfix --diff --strict infra\n```" in body


def test_long_body_is_cut_to_what_github_takes() -> None:
    findings = [finding(f"Repository{i:05}") for i in range(3000)]
    body = pr_text.pr_body([FileReport("big.yaml", findings, "a", "b")], [], ["."])
    assert len(body) <= pr_text.BODY_LIMIT
    kept = body.count("| `big.yaml` | `Repository")
    assert 0 < kept < 3000
    assert f"| … and {3000 - kept} more (see the commit) | | | |" in body
    assert body.rstrip().endswith("change the templates on the base branch instead.")


def test_commit_message_lists_repositories_per_file() -> None:
    reports = [
        FileReport("b.json", [finding("Two"), finding("Three")]),
        FileReport("a.yaml", [finding("One"), finding("Left", UNFIXABLE)]),
    ]
    message = pr_text.commit_message(reports)
    assert message.splitlines()[0] == pr_text.TITLE
    assert "- a.yaml: One\n- b.json: Three, Two\n" in message
    assert "on 3 ECR repositories" in message


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        pytest.param(429, {"retry-after": "7"}, {}, 7.0, id="retry-after"),
        pytest.param(403, {"retry-after": "2"}, {}, 2.0, id="secondary with retry-after"),
        pytest.param(
            403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "+30"}, {}, 31.0, id="reset"
        ),
        pytest.param(403, {}, {"message": "You have exceeded a secondary rate limit"}, 60.0,
                     id="secondary without headers"),
        pytest.param(429, {}, {}, 60.0, id="429 without headers"),
        pytest.param(403, {"x-ratelimit-remaining": "12"}, {"message": "Forbidden"}, None,
                     id="permission"),
        pytest.param(401, {"retry-after": "5"}, {}, None, id="not a rate limit status"),
    ],
)  # fmt: skip
def test_rate_limit_delay(
    status: int, headers: dict[str, str], body: object, expected: float | None
) -> None:
    if headers.get("x-ratelimit-reset", "").startswith("+"):
        headers = headers | {"x-ratelimit-reset": str(int(time.time()) + 30)}
    delay = _rate_limit_delay(httpx.Response(status, headers=headers, json=body))
    assert delay == expected or (expected and delay and abs(delay - expected) <= 1)


def test_readme_workflow_is_ready_to_use() -> None:
    from ruamel.yaml import YAML

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Fix pull requests: `ecrfix --pr`") :]
    block = section[section.index("```yaml\n") + 8 :]
    workflow = YAML(typ="safe").load(block[: block.index("```")])
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert workflow["on"]["schedule"][0]["cron"] == "23 5 * * 1"
    (step,) = [s for s in workflow["jobs"]["ecrfix"]["steps"] if "ecrfix --pr" in s.get("run", "")]
    assert step["env"] == {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}
    assert step["run"].startswith("ecrfix --pr --label security --author ")
