from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecrfix.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLDEN = ROOT / "golden"


def shared_dir(*parts: str) -> Path:
    """A folder of ../shared, or skip: a user's clone of ecrfix has no ../shared."""
    path = SHARED.joinpath(*parts)
    if not path.is_dir():
        pytest.skip(f"{path} is absent (only the project's workspace has ../shared)")
    return path


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """ecrfix's exit status, standard output and standard error for `argv`, in-process."""
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def update_golden() -> bool:
    return os.environ.get("ECRFIX_UPDATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    # under GitHub Actions ecrfix defaults to annotations; tests choose the format themselves
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
