from __future__ import annotations

from ecrfix import pr_text
from ecrfix.github_api import GitHub, GitHubError, Pull
from ecrfix.pr_settings import PrError


def own_open_pull(github: GitHub, branch: str) -> Pull | None:
    """The open pull request from `branch`, if ecrfix opened it; one opened by a person is
    never edited or closed."""
    pull = github.open_pull_from(branch)
    if pull is not None and pr_text.MARKER not in pull.body:
        raise PrError(
            f"pull request #{pull.number} from {branch} was not opened by ecrfix; "
            "leaving it alone: pass another --branch"
        )
    return pull


def open_or_update(
    github: GitHub, pull: Pull | None, branch: str, base: str, body: str
) -> tuple[Pull, str]:
    """The bot's pull request, opened or brought up to date, and what was done to it."""
    if pull is None:
        try:
            return github.create_pull(pr_text.TITLE, body, branch, base), "opened"
        except GitHubError as exc:
            # Another run opened one since we looked: GitHub allows one per branch and base.
            if not exc.already_exists():
                raise
            pull = own_open_pull(github, branch)
            if pull is None:
                raise
    fields = {"title": pr_text.TITLE, "body": body, "base": base}
    return github.update_pull(pull.number, "update pull request", **fields), "updated"


def close_own(github: GitHub, branch: str) -> str:
    """Close the bot's open pull request from `branch`, if any; what was done, to say so."""
    pull = github.open_pull_from(branch)
    if pull is None:
        return ""
    if pr_text.MARKER not in pull.body:
        return f"left pull request #{pull.number} alone: ecrfix did not open it"
    github.update_pull(pull.number, "close pull request", state="closed")
    return f"closed pull request #{pull.number}: nothing to fix"
