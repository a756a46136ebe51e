from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import NamedTuple

from ecrfix.github_api import DEFAULT_API_URL
from ecrfix.run import STDIN

DEFAULT_BRANCH = "ecrfix/immutable-image-tags"
REPO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")
# https://host/OWNER/NAME(.git), ssh://git@host/OWNER/NAME, git@host:OWNER/NAME.git
REMOTE_URL = re.compile(
    r"(?:^[^/@:]+@[^/:]+:|^[a-z+]+://(?:[^/@]+@)?[^/]+/)(?:.*/)?"
    r"([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+?)(?:\.git)?/?$"
)
REMOTE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")
AUTHOR = re.compile(r"\s*([^<>]*[^<>\s])\s*<([^<>\s]+)>\s*")
LABEL_LIMIT = 50  # GitHub's longest label name


class PrError(Exception):
    """A --pr run that cannot go on; the message says why."""


class PrOptions(NamedTuple):
    dry_run: bool = False
    branch: str = DEFAULT_BRANCH
    base: str | None = None
    remote: str = "origin"
    repo: str | None = None
    labels: tuple[str, ...] = ()
    author: str | None = None


def token_of(env: Mapping[str, str]) -> str:
    # A secret pasted with its line break is common; the rest of it must be printable.
    return (env.get("GITHUB_TOKEN") or env.get("GH_TOKEN") or "").strip()


def api_url(env: Mapping[str, str]) -> str:
    return env.get("GITHUB_API_URL") or DEFAULT_API_URL


def check_options(options: PrOptions, env: Mapping[str, str]) -> None:
    """The checks that need no git; branch names are checked by git itself."""
    token = token_of(env)
    if not api_url(env).startswith(("https://", "http://")):
        raise PrError(f"GITHUB_API_URL {api_url(env)!r} is not an http(s) URL")
    if options.base == options.branch:
        raise PrError("--branch and --base must differ")
    if not REMOTE_NAME.fullmatch(options.remote):
        raise PrError(f"{options.remote!r} is not a valid remote name")
    if any(not label.strip() or len(label) > LABEL_LIMIT for label in options.labels):
        raise PrError(f"a --label must be 1 to {LABEL_LIMIT} characters")
    if options.author is not None and identity(options.author) is None:
        raise PrError(f"--author {options.author!r} must read 'Name <email>'")
    if not options.dry_run and not token:
        raise PrError("--pr needs a token in GITHUB_TOKEN or GH_TOKEN (or use --dry-run)")
    if not token.isprintable() or " " in token:
        raise PrError("the token in GITHUB_TOKEN or GH_TOKEN holds spaces or control characters")


def identity(author: str) -> tuple[str, str] | None:
    match = AUTHOR.fullmatch(author)
    return (match[1], match[2]) if match else None


def repo_name(flag: str | None, env: Mapping[str, str], remote_url: str | None) -> str | None:
    """OWNER/NAME from --repo, else GITHUB_REPOSITORY, else the remote's URL."""
    name = flag or env.get("GITHUB_REPOSITORY")
    if not name and remote_url:
        match = REMOTE_URL.search(remote_url)
        name = f"{match[1]}/{match[2]}" if match else None
    if name and not REPO_NAME.fullmatch(name):
        raise PrError(f"{name!r} is not a GitHub repository name (OWNER/NAME)")
    return name or None


def repo_paths(paths: Sequence[str], top: str) -> list[str]:
    """The paths as the repository names them (POSIX, relative to its top); each must lie
    inside the repository, outside its .git."""
    root = os.path.realpath(top)
    found = set()
    for path in paths:
        if path == STDIN:
            raise PrError("--pr reads the repository's files, not standard input")
        rel = PurePosixPath(os.path.relpath(os.path.realpath(path), root).replace(os.sep, "/"))
        if rel.parts[:1] == ("..",) or ".git" in rel.parts:
            raise PrError(f"{path}: not inside the repository {top}")
        found.add(str(rel))
    return sorted(found)
