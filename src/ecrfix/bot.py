from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from ecrfix import pr_settings, pr_text, pull_request
from ecrfix.config import Config
from ecrfix.files import Selection
from ecrfix.github_api import GitHub, GitHubError
from ecrfix.model import FIXABLE, FIXED, Finding, Settings
from ecrfix.pr_settings import PrError, PrOptions, token_of
from ecrfix.report import all_errors, format_error, summary
from ecrfix.run import FileError, FileReport, Mode, collect, process

__all__ = ["PrOptions", "run_pr"]

TOKEN_VAR = "ECRFIX_GIT_TOKEN"  # how the askpass script gets the token: never argv or a file
# Variables that point git at another repository or index (git hooks set them).
REPOSITORY_VARS = frozenset(
    {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"}
) | {"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX"}
ASKPASS = """#!/bin/sh
# git asks for a user name, then a password: GitHub takes any user name with a token.
case "$1" in
  [Uu]sername*) echo x-access-token ;;
  *) printf '%s\\n' "$ECRFIX_GIT_TOKEN" ;;
esac
"""


def run_pr(
    paths: Sequence[str],
    settings: Settings,
    options: PrOptions,
    env: Mapping[str, str] | None = None,
    config: Config | None = None,
) -> int:
    """`ecrfix --pr`: 0 when done, 2 on any error; findings left go in the PR body."""
    env = os.environ if env is None else env
    token = token_of(env)
    try:
        pr_settings.check_options(options, env)
        with tempfile.TemporaryDirectory(prefix="ecrfix-pr-") as tmp:
            run = _Run(Git(token, tmp, env), settings, options, env, config or Config())
            return run.run(paths)
    except (PrError, GitHubError) as exc:
        message = str(exc).replace(token, "***") if token else str(exc)
        sys.stderr.write(f"ecrfix: error: {message}\n")
        return 2


class Git:
    """git with a list of arguments, never a shell; the token reaches it only through the
    environment of the commands that talk to the remote."""

    def __init__(self, token: str, tmp: str, env: Mapping[str, str]) -> None:
        hooks = os.path.join(tmp, "hooks")
        os.mkdir(hooks)  # empty: the user's hooks do not run on the bot's checkout and commit
        self.args = ["git", "-c", f"core.hooksPath={hooks}"]
        self.env = {k: v for k, v in env.items() if k not in REPOSITORY_VARS}
        self.env["GIT_TERMINAL_PROMPT"] = "0"
        self.remote_args, self.remote_env = self.args, self.env
        if token:
            askpass = os.path.join(tmp, "askpass.sh")
            with open(os.open(askpass, os.O_WRONLY | os.O_CREAT, 0o700), "w") as handle:
                handle.write(ASKPASS)
            # No credential helper: none may answer instead of the token, or store it.
            self.remote_args = [*self.args, "-c", "credential.helper="]
            self.remote_env = {**self.env, "GIT_ASKPASS": askpass, TOKEN_VAR: token}

    def __call__(
        self,
        *args: str,
        cwd: str,
        remote: bool = False,
        stdin: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> str:
        argv = [*(self.remote_args if remote else self.args), *args]
        run_env = {**(self.remote_env if remote else self.env), **(env or {})}
        done = subprocess.run(
            argv, cwd=cwd, env=run_env, input=stdin, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            said = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
            raise PrError(f"git {args[0]} failed: {' / '.join(said[-8:])}")
        return done.stdout.strip()


class _Run:
    def __init__(
        self,
        git: Git,
        settings: Settings,
        options: PrOptions,
        env: Mapping[str, str],
        config: Config,
    ) -> None:
        self.git, self.settings, self.o, self.env = git, settings, options, env
        self.config = config

    def run(self, paths: Sequence[str]) -> int:
        o, err = self.o, sys.stderr
        try:
            top = self.git("rev-parse", "--show-toplevel", cwd=os.getcwd())
        except PrError:
            raise PrError("--pr works inside a git checkout, and this is not one") from None
        for name in (o.branch, *([o.base] if o.base else [])):
            try:
                self.git("check-ref-format", "--branch", name, cwd=top)
            except PrError:
                raise PrError(f"{name!r} is not a valid branch name") from None
        rels = pr_settings.repo_paths(paths, top)
        url = self.git("remote", "get-url", "--", o.remote, cwd=top)
        repo = pr_settings.repo_name(o.repo, self.env, url)
        if repo is None and not o.dry_run:
            raise PrError(
                f"cannot tell the GitHub repository from the URL of {o.remote}: "
                "pass --repo OWNER/NAME"
            )
        base = o.base or self._default_branch(top)
        heads = self._fetch(top, base)
        base_sha, branch_sha = heads[base], heads.get(o.branch)
        with self._worktree(top, base_sha) as tree:
            select = _selection_in(self.config, top, tree)
            reports, errors = _fix(tree, rels, self.settings, select)
            for error in errors:
                err.write(format_error(error) + "\n")
            shown, mode = reports, Mode.WRITE
            if o.dry_run:  # the fixes exist in a throwaway checkout only: say "would fix"
                shown = [r._replace(findings=[_unfixed(f) for f in r.findings]) for r in reports]
                mode = Mode.DIFF
            err.write(f"ecrfix: on {base}: {summary(shown, errors, mode)}\n")
            changed = sorted(r.path for r in reports if r.changed and r.error is None)
            if o.dry_run:
                self._preview(reports, errors, rels, f"{base} ({base_sha[:12]})", repo)
                return 2 if errors else 0
            assert repo is not None
            with GitHub(pr_settings.api_url(self.env), token_of(self.env), repo) as github:
                if not changed:
                    done = pull_request.close_own(github, o.branch)
                    err.write(f"ecrfix: {done}\n" if done else "")
                    return 2 if errors else 0
                pull = pull_request.own_open_pull(github, o.branch)
                self._publish(tree, changed, reports, base_sha, branch_sha)
                body = pr_text.pr_body(reports, errors, self._reproduce(rels))
                pull, done = pull_request.open_or_update(github, pull, o.branch, base, body)
                err.write(f"ecrfix: {done} pull request #{pull.number}\n")
                if o.labels:
                    github.add_labels(pull.number, sorted(set(o.labels)))
                sys.stdout.write(pull.url + "\n")
        return 2 if errors else 0

    def _default_branch(self, top: str) -> str:
        out = self.git("ls-remote", "--symref", self.o.remote, "HEAD", cwd=top, remote=True)
        for line in out.splitlines():
            ref, _, name = line.removeprefix("ref: ").partition("\t")
            if line.startswith("ref: refs/heads/") and name == "HEAD":
                return ref.removeprefix("refs/heads/")
        raise PrError(f"cannot tell the default branch of {self.o.remote}: pass --base")

    def _fetch(self, top: str, base: str) -> dict[str, str]:
        """The remote's base and bot branches (name -> commit), fetched without moving any
        local ref: a dry run leaves the repository as it was."""
        wanted = {f"refs/heads/{name}": name for name in (base, self.o.branch)}
        out = self.git("ls-remote", self.o.remote, *wanted, cwd=top, remote=True)
        lines = (line.partition("\t") for line in out.splitlines())
        heads = {wanted[ref]: sha for sha, _, ref in lines if ref in wanted}
        if base not in heads:
            raise PrError(f"{self.o.remote} has no branch {base!r}")
        refs = [f"refs/heads/{name}" for name in sorted(heads)]
        args = ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--refmap="]
        self.git(*args, self.o.remote, *refs, cwd=top, remote=True)
        for sha in heads.values():
            try:
                self.git("cat-file", "-e", f"{sha}^{{commit}}", cwd=top)
            except PrError:
                raise PrError(f"{self.o.remote} changed during the run: run again") from None
        return heads

    @contextlib.contextmanager
    def _worktree(self, top: str, commit: str) -> Iterator[str]:
        """A detached checkout of `commit` in a temporary folder, removed whatever happens:
        the user's working tree, index and current branch are never touched."""
        with tempfile.TemporaryDirectory(prefix="ecrfix-tree-") as parent:
            tree = os.path.join(parent, "tree")
            self.git("worktree", "add", "--quiet", "--detach", "--", tree, commit, cwd=top)
            try:
                yield tree
            finally:
                try:
                    self.git("worktree", "remove", "--force", "--", tree, cwd=top)
                except PrError as exc:
                    sys.stderr.write(f"ecrfix: warning: {exc}\n")

    def _publish(
        self,
        tree: str,
        changed: list[str],
        reports: list[FileReport],
        base_sha: str,
        branch_sha: str | None,
    ) -> None:
        """Commit the fixes on top of the base and push them, unless the branch already
        holds exactly that; refuse to overwrite commits that ecrfix did not make."""
        o, git = self.o, self.git
        git("add", "--", *changed, cwd=tree)
        message = pr_text.commit_message(reports)
        args = ["commit", "--quiet", "--no-verify", "--cleanup=verbatim", "-F", "-"]
        git(*args, cwd=tree, stdin=message, env=self._identity(tree))
        head = git("rev-parse", "HEAD", cwd=tree)
        if branch_sha is not None:
            log = git("log", "--format=%s", f"{base_sha}..{branch_sha}", cwd=tree).splitlines()
            others = [subject for subject in log if subject != pr_text.TITLE]
            if others:
                raise PrError(
                    f"{o.branch} on {o.remote} has commits ecrfix did not make "
                    f"({others[0]!r}); not overwriting them: pass another --branch"
                )
            parents = git("rev-list", "--parents", "-n", "1", branch_sha, cwd=tree).split()[1:]
            trees = git("rev-parse", f"{branch_sha}^{{tree}}", f"{head}^{{tree}}", cwd=tree).split()
            if parents == [base_sha] and trees[0] == trees[1]:
                sys.stderr.write(f"ecrfix: {o.branch} on {o.remote} already has these fixes\n")
                return
        lease = f"--force-with-lease=refs/heads/{o.branch}:{branch_sha or ''}"
        target = f"{head}:refs/heads/{o.branch}"
        git("push", "--quiet", "--no-verify", lease, o.remote, target, cwd=tree, remote=True)
        sys.stderr.write(f"ecrfix: pushed {o.branch} to {o.remote}\n")

    def _identity(self, tree: str) -> dict[str, str]:
        pair = pr_settings.identity(self.o.author) if self.o.author else None
        if pair is None:
            try:
                name = self.git("config", "--get", "user.name", cwd=tree)
                email = self.git("config", "--get", "user.email", cwd=tree)
            except PrError:
                raise PrError(
                    "no commit author: set git config user.name and user.email, "
                    "or pass --author 'Name <email>'"
                ) from None
            pair = (name, email)
        name, email = pair
        return {f"GIT_{who}_NAME": name for who in ("AUTHOR", "COMMITTER")} | {
            f"GIT_{who}_EMAIL": email for who in ("AUTHOR", "COMMITTER")
        }

    def _reproduce(self, rels: list[str]) -> list[str]:
        s = self.settings
        return ["--strict"] * s.strict + ["--unsafe-fixes"] * s.unsafe_fixes + rels

    def _preview(
        self,
        reports: list[FileReport],
        errors: list[FileError],
        rels: list[str],
        base: str,
        repo: str | None,
    ) -> None:
        if not any(r.changed for r in reports):
            sys.stderr.write("ecrfix: dry run: nothing to fix: no branch, no pull request\n")
            return
        where = f"{self.o.branch} from {base} on {self.o.remote}"
        where += f", pull request on {repo}" if repo else ""
        sys.stdout.write(pr_text.preview(where, reports, errors, self._reproduce(rels)))
        sys.stderr.write("ecrfix: dry run: nothing was committed, pushed or opened\n")


def _unfixed(finding: Finding) -> Finding:
    return finding._replace(status=FIXABLE) if finding.status == FIXED else finding


def _selection_in(config: Config, top: str, tree: str) -> Selection:
    """The configuration's include/exclude globs, anchored in the bot's checkout when the
    configuration file belongs to the repository."""
    if config.path is None:
        return config.selection()
    relative = os.path.relpath(config.path.resolve(), os.path.realpath(top))
    if relative.startswith(os.pardir):
        return config.selection()
    return config._replace(path=Path(tree) / relative).selection()


def _fix(
    tree: str, rels: list[str], settings: Settings, select: Selection
) -> tuple[list[FileReport], list[FileError]]:
    """Fix the files under `rels` in the checkout `tree`, as --write does; every path in
    the result is relative to the repository's top."""

    def rel(path: str) -> str:
        return os.path.relpath(path, tree).replace(os.sep, "/")

    targets, walk_errors = collect([os.path.join(tree, r) for r in rels], select)
    reports = []
    for target in targets:
        report = process(target, settings, Mode.WRITE)
        error = report.error._replace(path=rel(report.error.path)) if report.error else None
        reports.append(report._replace(path=rel(report.path), error=error))
    return reports, all_errors(reports, [e._replace(path=rel(e.path)) for e in walk_errors])
