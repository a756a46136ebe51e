"""The scanners people use, as oracles: checkov in its own virtualenv, cfn-lint from the extra.

checkov pins dozens of packages, so it never shares ecrfix's environment: it is installed
once into `.oracles/checkov/` (gitignored, reused while the pinned version matches) and run
as a command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

CHECKOV = "checkov==3.3.30"
ORACLES = ROOT / ".oracles"
_OFFLINE = (
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "No matching distribution found",
    "Could not find a version that satisfies",
    "ConnectTimeout",
    "ReadTimeoutError",
)


def install_checkov() -> Path:
    venv = ORACLES / "checkov"
    exe = venv / "bin" / "checkov"
    stamp = venv / "requirement.txt"
    if exe.exists() and stamp.exists() and stamp.read_text() == CHECKOV:
        return exe
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    done = subprocess.run([*pip, "--quiet", CHECKOV], capture_output=True, text=True)
    if done.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        if any(sign in done.stderr for sign in _OFFLINE):
            pytest.skip(f"{CHECKOV} cannot be installed (no network?): {done.stderr[-300:]}")
        raise RuntimeError(f"installing {CHECKOV} failed:\n{done.stderr}")
    stamp.write_text(CHECKOV)
    return exe


class CheckovResult:
    def __init__(self, report: Any) -> None:
        reports = report if isinstance(report, list) else [report]
        results: dict[str, list[Any]] = {}
        for one in reports:
            for key, items in one.get("results", {}).items():
                results.setdefault(key, []).extend(items)
        self.failed = self._resources(results.get("failed_checks", []))
        self.passed = self._resources(results.get("passed_checks", []))
        self.parse_errors = {Path(p).name for p in results.get("parsing_errors", [])}

    @staticmethod
    def _resources(checks: list[Any]) -> set[tuple[str, str]]:
        # "resource": "AWS::ECR::Repository.LogicalId"
        return {(Path(c["file_path"]).name, c["resource"].split(".", 1)[1]) for c in checks}


def run_checkov(exe: Path, folder: Path) -> CheckovResult:
    command = [str(exe), "-d", str(folder), "--framework", "cloudformation"]
    command += ["--check", "CKV_AWS_51", "-o", "json", "--skip-download"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=folder.parent)
    assert done.returncode in (0, 1), done.stderr[-2000:]  # 1: some check failed
    return CheckovResult(json.loads(done.stdout))


def run_cfn_lint(folder: Path) -> set[tuple[str, str, str, str]]:
    """(file, level, rule id, message) of every cfn-lint match in a folder's templates."""
    files = sorted(str(p) for p in folder.iterdir() if p.is_file())
    # set-valued messages ("... across the resources {'A', 'B'}") print in hash order
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    cfn_lint = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or "cfn-lint"
    command = [cfn_lint, "--format", "json", "--", *files]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.stdout, done.stderr[-2000:]
    return {
        (Path(m["Filename"]).name, m["Level"], m["Rule"]["Id"], m["Message"])
        for m in json.loads(done.stdout)
    }
