"""An in-process stand-in for the GitHub REST endpoints that `ecrfix --pr` uses.

It answers as GitHub's documentation describes: list pull requests filtered by `head`
(`owner:branch`), `state` and `base`; create one (201; 422 "A pull request already exists"
when an open one has the same head and base, 422 `invalid` for a head or base branch that
the bare `origin` repository does not have); update title, body, base or state (200); add
labels through the issues endpoint (200). A missing or wrong bearer token gets 401 "Bad
credentials", another repository 404 "Not Found". Every request is recorded, and answers can
be scripted ahead of time to play rate limits and refusals.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from .local_server import LocalServer

DOCS = "https://docs.github.com/rest"


class Request(NamedTuple):
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: Any


class Scripted(NamedTuple):
    method: str
    path_end: str
    status: int
    body: Any
    headers: dict[str, str]


class Answer(NamedTuple):
    status: int
    body: Any
    headers: Mapping[str, str] = MappingProxyType({})


class FakeGitHub(LocalServer):
    def __init__(self, token: str, repo: str, origin: Path, root: str = "") -> None:
        self.token, self.repo, self.origin = token, repo, origin
        self.root = root  # the API's path on the server: "/api/v3" on GitHub Enterprise
        self.pulls: list[dict[str, Any]] = []
        self.requests: list[Request] = []
        self._scripted: list[Scripted] = []
        self._lock = threading.Lock()
        self.serve(_handler(self))

    @property
    def url(self) -> str:
        return self.address

    def script(self, method: str, path_end: str, status: int, body: Any, **headers: str) -> None:
        """Answer the next `method` request whose path ends with `path_end` with this."""
        self._scripted.append(
            Scripted(
                method, path_end, status, body, {k.replace("_", "-"): v for k, v in headers.items()}
            )
        )

    def add_pull(self, branch: str, body: str, base: str = "main") -> dict[str, Any]:
        return self._new_pull("a pull request opened by hand", body, branch, base)

    def calls(self, method: str, path_end: str = "") -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.endswith(path_end)]

    # -- the server side --------------------------------------------------------------

    def answer(self, request: Request) -> Answer:
        with self._lock:
            self.requests.append(request)
            for item in self._scripted:
                if item.method == request.method and request.path.endswith(item.path_end):
                    self._scripted.remove(item)
                    return Answer(item.status, item.body, item.headers)
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return Answer(401, {"message": "Bad credentials", "documentation_url": DOCS})
            prefix = f"{self.root}/repos/{self.repo}/"
            if not request.path.startswith(prefix):
                return _not_found()
            return self._route(request, request.path[len(prefix) :].split("/"))

    def _route(self, request: Request, parts: list[str]) -> Answer:
        method = request.method
        if parts == ["pulls"] and method == "GET":
            return Answer(200, self._list(request.query))
        if parts == ["pulls"] and method == "POST":
            return self._create(request.body)
        if len(parts) == 2 and parts[0] == "pulls" and method == "PATCH":
            return self._update(int(parts[1]), request.body)
        if len(parts) == 3 and parts[0] == "issues" and parts[2] == "labels" and method == "POST":
            return self._label(int(parts[1]), request.body)
        return _not_found()

    def _list(self, query: dict[str, str]) -> list[dict[str, Any]]:
        state = query.get("state", "open")
        return [
            p
            for p in self.pulls
            if (state == "all" or p["state"] == state)
            and ("head" not in query or p["head"]["label"] == query["head"])
            and ("base" not in query or p["base"]["ref"] == query["base"])
        ]

    def _create(self, body: dict[str, Any]) -> Answer:
        missing = [k for k in ("title", "head", "base") if not body.get(k)]
        if missing:
            return _invalid(missing[0], "missing_field")
        head = body["head"].split(":")[-1]
        for field, branch in (("head", head), ("base", body["base"])):
            if not self._has_branch(branch):
                return _invalid(field, "invalid")
        label = f"{self.owner}:{head}"
        if any(
            p["state"] == "open"
            and p["head"]["label"] == label
            and p["base"]["ref"] == body["base"]
            for p in self.pulls
        ):
            return _validation(
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": f"A pull request already exists for {label}.",
                }
            )
        return Answer(
            201, self._new_pull(body["title"], body.get("body") or "", head, body["base"])
        )

    def _update(self, number: int, body: dict[str, Any]) -> Answer:
        pull = next((p for p in self.pulls if p["number"] == number), None)
        if pull is None:
            return _not_found()
        if body.get("state", "open") not in ("open", "closed"):
            return _invalid("state", "invalid")
        if "base" in body and not self._has_branch(body["base"]):
            return _invalid("base", "invalid")
        for key in ("title", "body", "state"):
            if key in body:
                pull[key] = body[key]
        if "base" in body:
            pull["base"]["ref"] = body["base"]
        return Answer(200, pull)

    def _label(self, number: int, body: dict[str, Any]) -> Answer:
        pull = next((p for p in self.pulls if p["number"] == number), None)
        if pull is None:
            return _not_found()
        names = {label["name"] for label in pull["labels"]} | set(body["labels"])
        pull["labels"] = [{"name": name} for name in sorted(names)]
        return Answer(200, pull["labels"])

    @property
    def owner(self) -> str:
        return self.repo.split("/")[0]

    def _has_branch(self, branch: str) -> bool:
        done = subprocess.run(
            [
                "git",
                "--git-dir",
                str(self.origin),
                "rev-parse",
                "--verify",
                "--quiet",
                f"refs/heads/{branch}",
            ],
            capture_output=True,
            check=False,
        )
        return done.returncode == 0

    def _new_pull(self, title: str, body: str, head: str, base: str) -> dict[str, Any]:
        number = len(self.pulls) + 1
        pull = {
            "number": number,
            "state": "open",
            "title": title,
            "body": body,
            "html_url": f"{self.url}/{self.repo}/pull/{number}",
            "head": {"ref": head, "label": f"{self.owner}:{head}"},
            "base": {"ref": base},
            "labels": [],
        }
        self.pulls.append(pull)
        return pull


def _not_found() -> Answer:
    return Answer(404, {"message": "Not Found", "documentation_url": DOCS})


def _validation(*errors: dict[str, str]) -> Answer:
    return Answer(
        422, {"message": "Validation Failed", "errors": list(errors), "documentation_url": DOCS}
    )


def _invalid(field: str, code: str) -> Answer:
    return _validation({"resource": "PullRequest", "field": field, "code": code})


def _handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            request = Request(
                self.command,
                url.path,
                {k: v[-1] for k, v in parse_qs(url.query).items()},
                {k.lower(): v for k, v in self.headers.items()},
                json.loads(raw) if raw else None,
            )
            answer = fake.answer(request)
            data = json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test reads fake.requests instead

    return Handler
