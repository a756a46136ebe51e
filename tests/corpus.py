"""The real-world corpus of ../shared/corpus: its files and what MANIFEST.tsv says of them."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import SHARED

CORPUS = SHARED / "corpus"
ABSENT = "(corpus absent)"  # the one parameter when ../shared is missing: its test skips


def names(folder: str) -> list[str]:
    path = CORPUS / folder
    return sorted(p.name for p in path.iterdir()) if path.is_dir() else [ABSENT]


def notes() -> dict[str, str]:
    """MANIFEST.tsv's notes column, by `folder/name`."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return {}
    rows = [line.split("\t") for line in manifest.read_text(encoding="utf-8").splitlines()[1:]]
    return {row[0]: row[8] for row in rows}


def templating(folder: str) -> list[str]:
    found = [k.split("/", 1)[1] for k, v in notes().items() if k.startswith(folder + "/")]
    flagged = [name for name in found if "TEMPLATING" in notes()[f"{folder}/{name}"]]
    return sorted(flagged) or [ABSENT]


def copy_folder(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # ../shared is read-only in CI
    return target
