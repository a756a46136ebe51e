"""The least work any correct ecrfix must do on the given files and folders.

    python benchmarks/floor.py PATH...

Start Python, import ruamel.yaml, read every template file (by name, as ecrfix walks),
and compose the files whose bytes can hold an ECR resource type with the fastest
composer that accepts them: libyaml's (with the resolver shortcut ecrfix.compose takes),
or the pure-Python one for the few valid files libyaml refuses (a correct tool has to
read those too). Like ecrfix, it pauses the
cyclic garbage collector while composing, so that the ratio compares work, not collector
settings. Nothing is judged, edited or printed but one count line: ecrfix's time divided
by this one is what ecrfix costs beyond the unavoidable.
"""

from __future__ import annotations

import gc
import os
import re
import sys
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.resolver import VersionedResolver

SUFFIXES = (".yaml", ".yml", ".json", ".template")
SKIPPED = {".git", "node_modules", ".venv", ".hg", ".svn", ".tox", "__pycache__"}
MARKER = b"AWS::ECR::"
ESCAPE = re.compile(rb"\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|U[0-9a-fA-F]{8})")


def files(paths: list[str]) -> list[str]:
    found: list[str] = []
    for path in paths:
        if not os.path.isdir(path):
            found.append(path)
            continue
        for folder, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED)
            found += [os.path.join(folder, n) for n in sorted(names) if n.endswith(SUFFIXES)]
    return found


def may_hold_ecr(data: bytes) -> bool:
    if MARKER in data:
        return True
    if b"\\" not in data or ESCAPE.search(data) is None:
        return False
    text = data.decode("utf-8", "replace")
    return "AWS::ECR::" in text.encode().decode("unicode_escape", "replace")


class OnceResolver(VersionedResolver):
    """As in ecrfix.compose: the YAML version is looked up once per file, not per scalar."""

    @property
    def processing_version(self) -> Any:
        version = self.__dict__.get("_ecrfix_version")
        if version is None:
            version = super().processing_version
            if not hasattr(self.loadumper, "_scanner"):
                self.__dict__["_ecrfix_version"] = version
        return version


def composer(pure: bool) -> YAML:
    yaml = YAML(typ="safe", pure=pure)
    if not pure:
        yaml.Resolver = OnceResolver
    return yaml


def compose(text: str) -> int:
    gc.disable()
    try:
        for pure in (False, True):
            try:
                return len(list(composer(pure).compose_all(text)))
            except (YAMLError, ValueError, TypeError, AttributeError, IndexError, RecursionError):
                continue
        return 0
    finally:
        gc.enable()


def main(paths: list[str]) -> int:
    read = composed = 0
    for path in files(paths):
        with open(path, "rb") as handle:
            data = handle.read()
        read += 1
        if may_hold_ecr(data):
            try:
                text = data.decode("utf-8").removeprefix("\ufeff")
            except UnicodeDecodeError:
                continue
            composed += compose(text) > 0
    print(f"{read} files read, {composed} composed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:] or ["."]))
