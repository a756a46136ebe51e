from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from ecrfix import __version__, github_api
from ecrfix.bot import Git
from ecrfix.cli import main

from .fake_github import FakeGitHub
from .git_http import GitHttpServer

TOKEN = "ghp_Tok3nThatMustNeverLeak0123456789"
REPO = "acme/infra"
BRANCH = "ecrfix/immutable-image-tags"
MUTABLE = (
    "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n"
    "    Properties:\n      ImageTagMutability: MUTABLE  # keep this comment\n"
)
FIXED = MUTABLE.replace(" MUTABLE ", " IMMUTABLE ")
MISSING = (
    '{\n  "Resources": {\n    "Images": {\n      "Type": "AWS::ECR::Repository"\n    }\n  }\n}\n'
)
CLEAN = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
ANCHORED = (  # the fix would also change Other, which is not an ECR repository: unfixable
    "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties: &p\n"
    "      RepositoryName: r\n  Other:\n    Type: AWS::ECR::Repository\n"
    "    Properties: *p\n  Log:\n    Type: Custom::Thing\n    Properties: *p\n"
)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    git(repo, "push", "-q", "origin", "HEAD:main")


class World(NamedTuple):
    root: Path
    origin: Path
    work: Path  # the user's checkout: on a feature branch, with uncommitted work
    other: Path  # someone else's clone, to change main behind the user's back
    github: FakeGitHub
    tmp: Path

    def branch_file(self, name: str) -> str:
        return git(self.origin, "show", f"{BRANCH}:{name}")

    def sha(self, ref: str) -> str:
        return git(self.origin, "rev-parse", ref)

    def has_branch(self) -> bool:
        return bool(git(self.origin, "branch", "--list", BRANCH))


def checkout_state(work: Path) -> tuple[str, ...]:
    """Everything of the user's checkout that a --pr run must leave as it was."""
    files = sorted(p for p in work.rglob("*") if ".git" not in p.parts and p.is_file())
    return (
        git(work, "symbolic-ref", "HEAD"),
        git(work, "rev-parse", "HEAD"),
        git(work, "status", "--porcelain=v1", "--untracked-files=all"),
        git(work, "diff", "--cached"),
        git(work, "for-each-ref", "refs/heads", "refs/stash"),
        git(work, "worktree", "list", "--porcelain"),
        (work / ".git" / "config").read_text(),
        *(f"{p.relative_to(work)}={p.read_text()}" for p in files),
    )


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    for name in list(os.environ):
        if name.startswith(("GIT_", "GITHUB_")) or name == "GH_TOKEN":
            monkeypatch.delenv(name)
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    monkeypatch.setenv("HOME", str(home))  # no global git config of the machine's user
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))  # to see that nothing is left behind
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    clones = []
    for name in ("work", "other"):
        git(tmp_path, "clone", "-q", str(origin), name)
        clone = tmp_path / name
        git(clone, "config", "user.name", "Ada Lovelace")
        git(clone, "config", "user.email", "ada@example.com")
        clones.append(clone)
    work, other = clones
    (work / "infra").mkdir()
    (work / "infra" / "registry.yaml").write_text(MUTABLE)
    (work / "images.json").write_text(MISSING)
    (work / "bucket.yaml").write_text(CLEAN)
    commit_all(work, "templates")
    git(other, "pull", "-q", "origin", "main")
    # The user is mid-work: another branch, staged and unstaged edits, an untracked file.
    git(work, "checkout", "-q", "-b", "feature")
    (work / "bucket.yaml").write_text(CLEAN + "# staged\n")
    git(work, "add", "bucket.yaml")
    (work / "infra" / "registry.yaml").write_text(MUTABLE + "# not committed\n")
    (work / "notes.yaml").write_text(MUTABLE)
    monkeypatch.chdir(work)
    with FakeGitHub(TOKEN, REPO, origin) as github:
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("GITHUB_API_URL", github.url)
        monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
        yield World(tmp_path, origin, work, other, github, tmp)


def ecrfix(world: World, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `ecrfix --pr ARGS` and check what every run must keep: the user's checkout as
    it was, no temporary folder left, no token anywhere in the output."""
    before = checkout_state(world.work)
    code = main(["--pr", *args])
    out, err = capsys.readouterr()
    assert checkout_state(world.work) == before
    assert list(world.tmp.iterdir()) == []
    assert TOKEN not in out + err
    return code, out, err


def test_first_run_opens_one_pull_request(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ecrfix(world, capsys)
    assert code == 0
    (pull,) = world.github.pulls
    assert out == pull["html_url"] + "\n"
    assert err == (
        "ecrfix: on main: 2 repositories fixed in 2 files (3 files checked)\n"
        f"ecrfix: pushed {BRANCH} to origin\n"
        "ecrfix: opened pull request #1\n"
    )
    assert (pull["state"], pull["title"], pull["head"]["ref"], pull["base"]["ref"]) == (
        "open",
        "fix(ecr): make image tags immutable",
        BRANCH,
        "main",
    )
    # The branch is main plus one commit holding the fixed files, not the user's edits.
    assert world.sha(f"{BRANCH}^") == world.sha("main")
    assert world.branch_file("infra/registry.yaml") == FIXED.rstrip("\n")
    assert '"ImageTagMutability": "IMMUTABLE"' in world.branch_file("images.json")
    assert world.branch_file("bucket.yaml") == CLEAN.rstrip("\n")
    assert git(world.origin, "log", "-1", "--format=%an <%ae>|%cn <%ce>", BRANCH) == (
        "Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>"
    )
    assert git(world.origin, "log", "-1", "--format=%B", BRANCH) == (
        "fix(ecr): make image tags immutable\n\n"
        "Set ImageTagMutability to IMMUTABLE on 2 ECR repositories, so that\n"
        "an image tag, once pushed, can no longer be overwritten:\n\n"
        "- images.json: Images\n- infra/registry.yaml: Repo\n\n"
        f"Made with ecrfix {__version__}."
    )
    body = pull["body"]
    assert "| `images.json` | `Images` | missing | `IMMUTABLE` |" in body
    assert "| `infra/registry.yaml` | `Repo` | `MUTABLE` | `IMMUTABLE` |" in body
    assert "Nothing: every finding was fixed." in body
    assert "```sh\necrfix --diff .\n```" in body
    assert f"ecrfix {__version__}" in body


def test_requests_carry_githubs_headers(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert ecrfix(world, capsys)[0] == 0
    assert [(r.method, r.path) for r in world.github.requests] == [
        ("GET", f"/repos/{REPO}/pulls"),
        ("POST", f"/repos/{REPO}/pulls"),
    ]
    listing, create = world.github.requests
    assert listing.query == {"head": f"acme:{BRANCH}", "state": "open", "per_page": "100"}
    assert create.body["head"] == BRANCH and create.body["base"] == "main"
    for request in world.github.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["accept"] == "application/vnd.github+json"
        assert request.headers["x-github-api-version"] == "2022-11-28"
        assert request.headers["user-agent"] == f"ecrfix/{__version__}"


def test_second_run_updates_the_same_pull_request(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ecrfix(world, capsys)[0] == 0
    pushed = world.sha(BRANCH)
    code, out, err = ecrfix(world, capsys)
    assert code == 0
    assert len(world.github.pulls) == 1
    assert out == world.github.pulls[0]["html_url"] + "\n"
    assert f"ecrfix: {BRANCH} on origin already has these fixes\n" in err
    assert err.endswith("ecrfix: updated pull request #1\n")
    assert world.sha(BRANCH) == pushed  # nothing new: no force-push
    assert len(world.github.calls("POST", "/pulls")) == 1
    assert len(world.github.calls("PATCH", "/pulls/1")) == 1


def test_new_template_on_base_updates_branch_and_body(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ecrfix(world, capsys)[0] == 0
    (world.other / "late.yaml").write_text(MUTABLE.replace("Repo:", "Late:"))
    commit_all(world.other, "another registry")
    code, _, err = ecrfix(world, capsys)
    assert code == 0
    assert f"ecrfix: pushed {BRANCH} to origin\n" in err
    assert world.sha(f"{BRANCH}^") == world.sha("main")
    assert world.branch_file("late.yaml") == FIXED.replace("Repo:", "Late:").rstrip("\n")
    (pull,) = world.github.pulls
    assert "| `late.yaml` | `Late` | `MUTABLE` | `IMMUTABLE` |" in pull["body"]
    assert "on 3 ECR repositories" in pull["body"]


def test_clean_repository_opens_nothing(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ecrfix(world, capsys, "bucket.yaml")
    assert (code, out) == (0, "")
    assert err == "ecrfix: on main: 0 repositories fixed in 0 files (1 file checked)\n"
    assert not world.has_branch()
    assert world.github.pulls == []
    assert [r.method for r in world.github.requests] == ["GET"]


def test_fixed_base_closes_the_bots_pull_request(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ecrfix(world, capsys)[0] == 0
    git(world.other, "pull", "-q", "origin", "main")
    (world.other / "infra" / "registry.yaml").write_text(FIXED)
    (world.other / "images.json").unlink()
    commit_all(world.other, "fixed by hand")
    code, out, err = ecrfix(world, capsys)
    assert (code, out) == (0, "")
    assert err.endswith("ecrfix: closed pull request #1: nothing to fix\n")
    assert world.github.pulls[0]["state"] == "closed"


def test_pull_request_opened_by_a_person_is_left_alone(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    git(world.other, "push", "-q", "origin", f"main:{BRANCH}")
    world.github.add_pull(BRANCH, "A person wrote this.")
    code, out, err = ecrfix(world, capsys)
    assert (code, out) == (2, "")
    assert f"pull request #1 from {BRANCH} was not opened by ecrfix" in err
    assert world.github.pulls[0]["body"] == "A person wrote this."
    assert world.sha(BRANCH) == world.sha("main")


def test_nothing_to_fix_leaves_a_persons_pull_request_open(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    git(world.other, "push", "-q", "origin", f"main:{BRANCH}")
    world.github.add_pull(BRANCH, "A person wrote this.")
    code, _, err = ecrfix(world, capsys, "bucket.yaml")
    assert code == 0
    assert err.endswith("ecrfix: left pull request #1 alone: ecrfix did not open it\n")
    assert world.github.pulls[0]["state"] == "open"
    assert world.github.calls("PATCH") == []


def test_commits_pushed_by_others_are_not_overwritten(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ecrfix(world, capsys)[0] == 0
    git(world.other, "fetch", "-q", "origin", BRANCH)
    git(world.other, "checkout", "-q", "FETCH_HEAD")
    (world.other / "extra.txt").write_text("mine\n")
    git(world.other, "add", "extra.txt")
    git(world.other, "commit", "-q", "-m", "a reviewer change")
    git(world.other, "push", "-q", "origin", f"HEAD:{BRANCH}")
    theirs = world.sha(BRANCH)
    code, _, err = ecrfix(world, capsys)
    assert code == 2
    assert "has commits ecrfix did not make ('a reviewer change')" in err
    assert world.sha(BRANCH) == theirs


def test_findings_left_for_a_human_are_listed(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    (world.other / "shared.yaml").write_text(ANCHORED)
    (world.other / "broken.yaml").write_text("Resources: [AWS::ECR::Repository\n")
    commit_all(world.other, "hard cases")
    code, _, err = ecrfix(world, capsys, "--label", "security", "--label", "ecr")
    assert code == 2  # an unreadable template is an error, yet the pull request is opened
    assert "broken.yaml:2: error: invalid YAML/JSON" in err
    (pull,) = world.github.pulls
    body = pull["body"]
    assert "| `shared.yaml` | 4 | `Repo` | unfixable | the fix would also change" in body
    assert "| `broken.yaml` | 2 | | error | invalid YAML/JSON" in body
    assert [label["name"] for label in pull["labels"]] == ["ecr", "security"]


def test_paths_are_taken_from_the_current_folder(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(world.work / "infra")
    code, _, err = ecrfix(world, capsys, ".")
    assert code == 0
    assert "1 repository fixed in 1 file" in err
    assert world.branch_file("images.json") == MISSING.rstrip("\n")
    assert "ecrfix --diff infra\n" in world.github.pulls[0]["body"]


def test_author_flag(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert ecrfix(world, capsys, "--author", "ecrfix bot <bot@example.com>")[0] == 0
    assert git(world.origin, "log", "-1", "--format=%an <%ae>|%cn <%ce>", BRANCH) == (
        "ecrfix bot <bot@example.com>|ecrfix bot <bot@example.com>"
    )


def test_no_author_is_an_error(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    git(world.work, "config", "--unset", "user.name")
    git(world.work, "config", "--unset", "user.email")
    code, _, err = ecrfix(world, capsys)
    assert code == 2
    assert "no commit author: set git config user.name and user.email" in err
    git(world.work, "config", "user.name", "Ada Lovelace")  # for checkout_state's sake
    git(world.work, "config", "user.email", "ada@example.com")
    assert not world.has_branch()


def test_failed_push_leaves_no_checkout_behind(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    hook = world.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch protected' >&2\nexit 1\n")
    hook.chmod(0o755)
    code, _, err = ecrfix(world, capsys)
    assert code == 2
    assert "git push failed" in err and "branch protected" in err
    assert world.github.calls("POST") == []
    assert git(world.work, "worktree", "list").count("\n") == 0


def test_token_appears_nowhere(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert ecrfix(world, capsys, "--label", "security")[0] == 0
    (world.other / "late.yaml").write_text(MUTABLE)
    commit_all(world.other, "another registry")
    assert ecrfix(world, capsys)[0] == 0
    for repo in (world.work / ".git", world.origin):
        for path in repo.rglob("*"):
            if path.is_file():
                assert TOKEN.encode() not in path.read_bytes(), path
        every_object = subprocess.run(
            ["git", "cat-file", "--batch-all-objects", "--batch"],
            cwd=repo,
            capture_output=True,
            check=True,
        ).stdout
        assert b"fix(ecr): make image tags immutable" in every_object  # commits were read
        assert TOKEN.encode() not in every_object
    assert TOKEN not in git(world.work, "remote", "-v")


def test_token_reaches_git_only_through_askpass(tmp_path: Path) -> None:
    runner = Git(TOKEN, str(tmp_path), {"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
    answer = runner(
        "credential",
        "fill",
        cwd=str(tmp_path),
        remote=True,
        stdin="protocol=https\nhost=git.example\n\n",
    )
    assert "username=x-access-token" in answer.splitlines()
    assert f"password={TOKEN}" in answer.splitlines()
    assert not any(TOKEN in arg for arg in runner.remote_args)
    assert TOKEN not in (tmp_path / "askpass.sh").read_text()
    assert (tmp_path / "askpass.sh").stat().st_mode & 0o077 == 0
    assert all(TOKEN not in value for value in runner.env.values())


def test_dry_run_changes_nothing(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")  # a preview needs no token
    refs = git(world.work, "for-each-ref"), git(world.origin, "for-each-ref")
    code, out, err = ecrfix(world, capsys, "--dry-run")
    assert code == 0
    assert (git(world.work, "for-each-ref"), git(world.origin, "for-each-ref")) == refs
    assert world.github.requests == []
    sections = [line for line in out.splitlines() if line.startswith("==> ")]
    assert sections == [
        "==> branch <==",
        "==> commit message <==",
        "==> pull request title <==",
        "==> pull request body <==",
        "==> diff <==",
    ]
    assert f"{BRANCH} from main ({world.sha('main')[:12]}) on origin, pull request on {REPO}" in out
    assert "+      ImageTagMutability: IMMUTABLE  # keep this comment\n" in out
    assert "| `infra/registry.yaml` | `Repo` | `MUTABLE` | `IMMUTABLE` |" in out
    assert err == (
        "ecrfix: on main: would fix 2 repositories in 2 files (3 files checked)\n"
        "ecrfix: dry run: nothing was committed, pushed or opened\n"
    )


def test_dry_run_of_clean_repository(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ecrfix(world, capsys, "--dry-run", "bucket.yaml")
    assert (code, out) == (0, "")
    assert err.endswith("ecrfix: dry run: nothing to fix: no branch, no pull request\n")


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        pytest.param(
            403,
            {"message": "Resource not accessible by integration"},
            "GitHub refused to open a pull request (403 Resource not accessible by "
            "integration): the token needs write access to the contents and pull requests "
            f"of {REPO}",
            id="403 permission",
        ),
        pytest.param(
            422,
            {
                "message": "Validation Failed",
                "errors": [{"resource": "PullRequest", "field": "base", "code": "invalid"}],
            },
            "GitHub refused to open a pull request (422 Validation Failed: PullRequest.base "
            "invalid)",
            id="422 validation",
        ),
    ],
)
def test_refused_pull_request(
    world: World, capsys: pytest.CaptureFixture[str], status: int, body: object, said: str
) -> None:
    world.github.script("POST", "/pulls", status, body)
    code, out, err = ecrfix(world, capsys)
    assert (code, out) == (2, "")
    assert err.endswith(f"ecrfix: error: {said}\n")
    assert world.github.pulls == []


def test_wrong_token(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrong")
    code, _, err = ecrfix(world, capsys)
    assert code == 2
    assert err.endswith(
        "ecrfix: error: GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN "
        "or GH_TOKEN\n"
    )
    assert "ghp_wrong" not in err
    assert not world.has_branch()  # GitHub is asked before anything is pushed


def test_unknown_repository(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = ecrfix(world, capsys, "--repo", "acme/missing")
    assert code == 2
    assert "GitHub found no repository acme/missing (404 Not Found)" in err
    assert not world.has_branch()


def test_pull_request_opened_meanwhile_is_updated(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    git(world.other, "push", "-q", "origin", f"main:{BRANCH}")
    world.github.add_pull(BRANCH, "<!-- ecrfix:pr -->\nan older body")
    world.github.script("GET", "/pulls", 200, [])  # the listing misses it, as in a race
    code, _, err = ecrfix(world, capsys)
    assert code == 0
    assert err.endswith("ecrfix: updated pull request #1\n")
    (pull,) = world.github.pulls
    assert "| `images.json` | `Images` |" in pull["body"]
    assert [r.method for r in world.github.requests] == ["GET", "POST", "GET", "PATCH"]


def test_rate_limit_is_waited_out(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.github.script("GET", "/pulls", 429, {"message": "slow down"}, retry_after="1")
    start = time.monotonic()
    code, _, _ = ecrfix(world, capsys)
    assert code == 0
    assert time.monotonic() - start >= 1
    assert len(world.github.calls("GET")) == 2


def test_rate_limit_too_long_to_wait(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    reset = str(int(time.time()) + 3600)
    world.github.script(
        "GET",
        "/pulls",
        403,
        {"message": "API rate limit exceeded"},
        x_ratelimit_remaining="0",
        x_ratelimit_reset=reset,
    )
    start = time.monotonic()
    code, _, err = ecrfix(world, capsys)
    assert code == 2
    assert time.monotonic() - start < 30
    assert "GitHub's rate limit stopped ecrfix trying to list the open pull requests" in err
    assert re.search(r"\(403 API rate limit exceeded\); it lifts in 360[01] s and ecrfix", err)
    assert "run again later" in err


def test_rate_limit_that_does_not_lift(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(github_api.RETRIES + 1):
        world.github.script("GET", "/pulls", 429, {"message": "secondary"}, retry_after="0")
    code, _, err = ecrfix(world, capsys)
    assert code == 2
    assert "GitHub's rate limit stopped ecrfix" in err
    assert len(world.github.calls("GET")) == github_api.RETRIES + 1


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--branch", "bad..name"], "'bad..name' is not a valid branch name"),
        (["--branch", "-x"], "'-x' is not a valid branch name"),
        (["--base", BRANCH], "--branch and --base must differ"),
        (["--remote", "--upload-pack=x"], "'--upload-pack=x' is not a valid remote name"),
        (["--remote", "nope"], "git remote failed"),
        (["--base", "nope"], "origin has no branch 'nope'"),
        (["--repo", "not a repo"], "'not a repo' is not a GitHub repository name"),
        (["--author", "nobody"], "--author 'nobody' must read 'Name <email>'"),
        (["--label", ""], "a --label must be 1 to 50 characters"),
        (["../outside.yaml"], "../outside.yaml: not inside the repository"),
        ([".git/config"], ".git/config: not inside the repository"),
        (["-"], "--pr reads the repository's files, not standard input"),
    ],
)
def test_bad_settings(
    world: World, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    code, out, err = ecrfix(world, capsys, *args)
    assert (code, out) == (2, "")
    assert said in err
    assert world.github.requests == [] and not world.has_branch()


def test_repository_from_remote_url(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY")
    code, _, err = ecrfix(world, capsys)
    assert code == 2
    assert "cannot tell the GitHub repository from the URL of origin: pass --repo" in err


def test_needs_a_token(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    assert ecrfix(world, capsys)[0] == 0  # GH_TOKEN works as well
    monkeypatch.delenv("GH_TOKEN")
    code, _, err = ecrfix(world, capsys)
    assert code == 2
    assert "--pr needs a token in GITHUB_TOKEN or GH_TOKEN (or use --dry-run)" in err


def test_token_with_a_trailing_line_break(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN + "\n")
    assert ecrfix(world, capsys)[0] == 0
    monkeypatch.setenv("GITHUB_TOKEN", "two words")
    code, _, err = ecrfix(world, capsys)
    assert code == 2
    assert "the token in GITHUB_TOKEN or GH_TOKEN holds spaces or control characters" in err
    assert "two words" not in err


def test_github_enterprise_api_root(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    world.github.root = "/api/v3"
    monkeypatch.setenv("GITHUB_API_URL", world.github.url + "/api/v3")
    assert ecrfix(world, capsys)[0] == 0
    assert [r.path for r in world.github.requests] == [f"/api/v3/repos/{REPO}/pulls"] * 2


def test_api_url_that_is_not_the_api(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    world.github.script("GET", "/pulls", 200, "<html>a login page</html>")
    code, _, err = ecrfix(world, capsys)
    assert code == 2
    assert "is not a list" in err
    monkeypatch.setenv("GITHUB_API_URL", "ftp://example.com")
    code, _, err = ecrfix(world, capsys)
    assert code == 2
    assert "GITHUB_API_URL 'ftp://example.com' is not an http(s) URL" in err


def test_outside_a_git_checkout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert main(["--pr", "--dry-run"]) == 2
    assert "--pr works inside a git checkout, and this is not one" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--dry-run"], "--dry-run needs --pr"),
        (["--pr", "--write"], "--pr excludes --check, --diff, --write"),
    ],
)
def test_usage(capsys: pytest.CaptureFixture[str], args: list[str], said: str) -> None:
    assert main(args) == 2
    assert capsys.readouterr().err == f"ecrfix: error: {said}\n"


def test_plain_runs_do_not_import_the_http_client(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MUTABLE)
    code = (
        "import sys\nfrom ecrfix.cli import main\nmain(['--check', sys.argv[1]])\n"
        "print(sorted(m for m in ('httpx', 'ecrfix.bot', 'ecrfix.github_api') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "a.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "[]"


def test_token_reaches_an_https_style_remote_through_askpass_only(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A credential helper that stores what it is given: it must never see the token.
    git(world.work, "config", "--global", "credential.helper", "store")
    served = world.root / "served"
    (served / "acme").mkdir(parents=True)
    os.rename(world.origin, served / "acme" / "infra.git")
    os.symlink(served / "acme" / "infra.git", world.origin)  # the fake GitHub looks here
    monkeypatch.delenv("GITHUB_REPOSITORY")  # OWNER/NAME comes from the remote's URL
    with GitHttpServer(served, TOKEN) as server:
        git(world.work, "remote", "set-url", "origin", server.url("acme/infra.git"))
        code, out, err = ecrfix(world, capsys)
        assert (code, out) == (0, world.github.pulls[0]["html_url"] + "\n")
        assert world.branch_file("infra/registry.yaml") == FIXED.rstrip("\n")
        assert set(server.logins) == {None, ("x-access-token", TOKEN)}
        assert not (world.root / "home" / ".git-credentials").exists()
        monkeypatch.setenv("GITHUB_TOKEN", "ghp_revoked")
        code, _, err = ecrfix(world, capsys)
        assert code == 2
        assert "git ls-remote failed" in err and "Authentication failed" in err
    assert TOKEN not in (world.work / ".git" / "config").read_text()


def test_configuration_excludes_apply_in_the_bots_checkout(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    (world.work / ".ecrfix.toml").write_text('exclude = ["infra/"]\n')
    code, _, err = ecrfix(world, capsys)
    assert code == 0
    assert err.startswith("ecrfix: on main: 1 repository fixed in 1 file (2 files checked)\n")
    (pull,) = world.github.pulls
    assert "images.json" in pull["body"] and "registry.yaml" not in pull["body"]
    assert world.branch_file("infra/registry.yaml") == MUTABLE.rstrip("\n")
