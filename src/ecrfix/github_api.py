from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from ecrfix import __version__

if TYPE_CHECKING:
    import httpx

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
RATE_LIMIT_WAIT = 60.0  # the longest ecrfix waits, in all, for a rate limit to lift
RETRIES = 3
TIMEOUT = 30.0


class GitHubError(Exception):
    """A request GitHub refused or never answered; the message says which and why."""

    def __init__(self, message: str, status: int | None = None, details: tuple[str, ...] = ()):
        super().__init__(message)
        self.status = status
        self.details = details

    def already_exists(self) -> bool:
        return self.status == 422 and any("already exists" in d for d in self.details)


class Pull(NamedTuple):
    number: int
    url: str
    body: str
    head: str


class GitHub:
    """The few REST endpoints the bot needs, for one repository."""

    def __init__(
        self,
        api_url: str,
        token: str,
        repo: str,
        max_wait: float = RATE_LIMIT_WAIT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx  # only --pr talks to GitHub: plain runs never pay for the import

        self.api_url = api_url.rstrip("/")
        self.repo = repo
        self.max_wait = max_wait
        self._sleep = sleep
        self._client = httpx.Client(
            base_url=self.api_url,
            timeout=TIMEOUT,
            # A renamed repository answers 301; httpx drops the token on a move to another host.
            follow_redirects=True,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"ecrfix/{__version__}",
            },
        )

    def __enter__(self) -> GitHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def open_pull_from(self, branch: str) -> Pull | None:
        owner = self.repo.split("/")[0]
        what = f"list the open pull requests of {self.repo}"
        found = self._request(
            "GET",
            f"/repos/{self.repo}/pulls",
            what,
            params={"head": f"{owner}:{branch}", "state": "open", "per_page": "100"},
        )
        if not isinstance(found, list):
            raise GitHubError(f"GitHub's answer to the request to {what} is not a list")
        # Filter again: a server that ignores `head` would hand back every open pull request.
        pulls = [p for p in map(_pull, found) if p.head == branch]
        return min(pulls, key=lambda p: p.number) if pulls else None

    def create_pull(self, title: str, body: str, head: str, base: str) -> Pull:
        fields = {"title": title, "body": body, "head": head, "base": base}
        answer = self._request(
            "POST", f"/repos/{self.repo}/pulls", "open a pull request", json=fields
        )
        return _pull(answer)

    def update_pull(self, number: int, what: str, **fields: str) -> Pull:
        answer = self._request(
            "PATCH", f"/repos/{self.repo}/pulls/{number}", f"{what} #{number}", json=fields
        )
        return _pull(answer)

    def add_labels(self, number: int, labels: list[str]) -> None:
        self._request(
            "POST",
            f"/repos/{self.repo}/issues/{number}/labels",
            f"add labels to pull request #{number}",
            json={"labels": labels},
        )

    def _request(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        import httpx

        waited = 0.0
        for attempt in range(RETRIES + 1):
            try:
                response = self._client.request(method, path, **kwargs)
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                # `from None`: the chained exception adds nothing and carries request details.
                raise GitHubError(f"cannot reach {self.api_url} to {what}: {exc}") from None
            delay = _rate_limit_delay(response)
            if delay is None:
                break
            if attempt == RETRIES or waited + delay > self.max_wait:
                text = _rate_limit_message(response, what, delay, self.max_wait)
                raise GitHubError(text, response.status_code)
            self._sleep(delay)
            waited += delay
        if not response.is_success:
            raise _error(response, what, self.repo)
        try:
            return response.json() if response.content else None
        except ValueError:
            raise GitHubError(
                f"GitHub answered the request to {what} with something other than JSON: "
                "is GITHUB_API_URL the API's address?"
            ) from None


def _pull(data: object) -> Pull:
    if not isinstance(data, dict) or not isinstance(data.get("number"), int):
        raise GitHubError("GitHub answered with something that is not a pull request")
    head = data.get("head")
    return Pull(
        data["number"],
        str(data.get("html_url") or ""),
        str(data.get("body") or ""),
        str(head.get("ref") or "") if isinstance(head, dict) else "",
    )


def _message(response: httpx.Response) -> tuple[str, tuple[str, ...]]:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase, ()
    if not isinstance(data, dict):
        return response.reason_phrase, ()
    details = []
    for error in data.get("errors") or ():
        if isinstance(error, dict):
            where = ".".join(str(error[k]) for k in ("resource", "field") if error.get(k))
            details.append(str(error.get("message") or f"{where} {error.get('code', 'invalid')}"))
        else:
            details.append(str(error))
    return str(data.get("message") or response.reason_phrase), tuple(details)


def _rate_limit_delay(response: httpx.Response) -> float | None:
    """Seconds to wait before trying again, as GitHub's rate-limit documentation says,
    or None when the response is not a rate limit."""
    if response.status_code not in (403, 429):
        return None
    headers = response.headers
    retry_after = headers.get("retry-after", "")
    if retry_after.isdigit():
        return float(retry_after)
    reset = headers.get("x-ratelimit-reset", "")
    if headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return max(0.0, int(reset) - time.time()) + 1.0
    message, _ = _message(response)
    if response.status_code == 429 or "rate limit" in message.lower():
        return 60.0  # a secondary limit without headers: the documentation says wait a minute
    return None


def _rate_limit_message(response: httpx.Response, what: str, delay: float, limit: float) -> str:
    message, _ = _message(response)
    return (
        f"GitHub's rate limit stopped ecrfix trying to {what} ({response.status_code} "
        f"{message}); it lifts in {delay:.0f} s and ecrfix waits at most {limit:.0f} s "
        "in all: run again later"
    )


def _error(response: httpx.Response, what: str, repo: str) -> GitHubError:
    status = response.status_code
    message, details = _message(response)
    said = f"{status} {message}" + (f": {'; '.join(details)}" if details else "")
    if status == 401:
        text = f"GitHub rejected the token ({said}): check GITHUB_TOKEN or GH_TOKEN"
    elif status == 403:
        text = (
            f"GitHub refused to {what} ({said}): the token needs write access to the contents "
            f"and pull requests of {repo}"
        )
    elif status == 404:
        text = (
            f"GitHub found no repository {repo} ({said}) trying to {what}: check --repo "
            "and that the token can see the repository"
        )
    elif status == 422:
        text = f"GitHub refused to {what} ({said})"
    else:
        text = f"GitHub answered {said} to the request to {what}"
    return GitHubError(text, status, details)
