"""The least work any correct ecrfix must do on the given files and folders.

    python benchmarks/floor.py PATH...

Start Python, import ruamel.yaml, read every template file (by name, as ecrfix walks),
and compose the files whose bytes can hold an ECR resource type with the fastest
composer that accepts them: libyaml's, or the pure-Python one for the few valid files
libyaml refuses (a correct tool has to read those too). Like ecrfix, it pauses the
cyclic garbage collector while composing, so that the ratio compares work, not collector
settings. Nothing is judged, edited or printed but one count line: ecrfix's time divided
by this one is what ecrfix costs beyond the unavoidable.
"""

from __future__ import annotations

import gc
import os
import re
import sys

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

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


def compose(text: str) -> int:
    gc.disable()
    try:
        for pure in (False, True):
            try:
                return len(list(YAML(typ="safe", pure=pure).compose_all(text)))
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
