"""A git server over HTTP on 127.0.0.1 that wants Basic authentication, as GitHub's does:
git's own `git-http-backend` behind a check of the password. It records the user names and
passwords that git sent, to show how a token reached git."""

from __future__ import annotations

import base64
import os
import subprocess
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from .local_server import LocalServer


class GitHttpServer(LocalServer):
    def __init__(self, root: Path, password: str) -> None:
        self.root, self.password = root, password
        self.logins: list[tuple[str, str] | None] = []  # None: a request without credentials
        backend = subprocess.run(
            ["git", "--exec-path"], capture_output=True, text=True, check=True
        ).stdout.strip()
        self.backend = os.path.join(backend, "git-http-backend")
        self.serve(_handler(self))

    def url(self, path: str) -> str:
        return f"{self.address}/{path}"


def _login(header: str | None) -> tuple[str, str] | None:
    if not header or not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password


def _handler(server: GitHttpServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            login = _login(self.headers.get("authorization"))
            server.logins.append(login)
            if login is None or login[1] != server.password:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="git"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            env = {
                "PATH": os.environ.get("PATH", ""),
                "GIT_PROJECT_ROOT": str(server.root),
                "GIT_HTTP_EXPORT_ALL": "1",
                "REMOTE_USER": login[0],
                "REMOTE_ADDR": "127.0.0.1",
                "REQUEST_METHOD": self.command,
                "PATH_INFO": url.path,
                "QUERY_STRING": url.query,
                "CONTENT_TYPE": self.headers.get("content-type", ""),
                "CONTENT_LENGTH": str(len(body)),
                "HTTP_CONTENT_ENCODING": self.headers.get("content-encoding", ""),
                "GIT_PROTOCOL": self.headers.get("git-protocol", ""),
            }
            done = subprocess.run(
                [server.backend], input=body, env=env, capture_output=True, check=False
            )
            head, _, payload = done.stdout.partition(b"\r\n\r\n")
            lines = head.decode().split("\r\n")
            status = next((int(h.split()[1]) for h in lines if h.startswith("Status:")), 200)
            self.send_response(status)
            for line in lines:
                name, _, value = line.partition(": ")
                if name and name != "Status":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
