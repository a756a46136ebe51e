"""The benchmark's workloads: what ecrfix runs, against which reference, with which target."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from measure import Command, QuietWait, alternate
from table import Row

import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHECKOV_VERSION = "3.3.30"
CHECKOV_VENV = HERE / ".venv-checkov"
FLOOR = [sys.executable, str(HERE / "floor.py")]
BARE_IMPORT = [sys.executable, "-c", "import typer, ruamel.yaml"]
SMALL_TEMPLATE = ROOT / "examples" / "service.yaml"
CHECK_CODES = (0, 1, 2)  # clean, findings, some files unparsable (the corpus has six)


@dataclass
class Bench:
    work: Path  # a scratch folder for generated inputs and copies
    corpus: Path
    runs: int
    ecrfix: list[str]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    busy_runs: int = 0  # runs that started while other processes kept the CPUs busy
    quiet: QuietWait = field(default_factory=QuietWait)

    def command(
        self, name: str, argv: list[str], codes: tuple[int, ...] = (0,), fresh: Path | None = None
    ) -> Command:
        """`fresh`: the command gets its own copy of that file or folder before each run."""
        if fresh is None:
            return Command(name, argv, ok_codes=codes)
        copy = self.work / f"copy-{fresh.name}"
        prepare = functools.partial(fresh_copy, fresh, copy)
        return Command(name, [*argv, str(copy)], prepare=prepare, ok_codes=codes)

    def measure(self, label: str, commands: list[Command]) -> None:
        print(f"{label}: {' / '.join(c.name for c in commands)} x{self.runs}", file=sys.stderr)
        self.busy_runs += alternate(commands, self.runs, self.work / "log", self.quiet)


def ecrfix_command() -> list[str]:
    script = Path(sys.executable).parent / "ecrfix"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ecrfix"]


def compile_bytecode() -> None:
    """Compile ecrfix's modules as `pip install` does. An editable install leaves that to
    the first run, and with PYTHONDONTWRITEBYTECODE set every run would compile all of
    ecrfix again (30 ms), while typer and ruamel.yaml, installed by pip, come compiled."""
    code = (
        "import compileall, ecrfix, sys;"
        " sys.exit(not compileall.compile_dir(ecrfix.__path__[0], quiet=1))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def fresh_copy(source: Path, target: Path) -> None:
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copyfile(source, target)
    os.sync()  # else the fsyncs of --write would also flush the copy's dirty pages


def checkov() -> Path:
    """checkov in its own virtual environment (its pins clash with ours), made once."""
    exe = CHECKOV_VENV / "bin" / "checkov"
    if not exe.exists():
        print(f"installing checkov {CHECKOV_VERSION} into {CHECKOV_VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        pip = [str(CHECKOV_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, f"checkov=={CHECKOV_VERSION}"], check=True)
    return exe


def last_line(text: str, marker: str = "") -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip() and marker in line]
    return lines[-1] if lines else "(nothing printed)"


def startup(b: Bench) -> None:
    """One small template against the imports any typer + ruamel.yaml tool pays."""
    small = b.command("ecrfix --check small", [*b.ecrfix, "--check", str(SMALL_TEMPLATE)], (1,))
    bare = b.command("import typer, ruamel.yaml", BARE_IMPORT)
    b.measure("start-up", [small, bare])
    b.rows.append(Row("one small template `--check`", small, bare, "slower", 1.5))


def peer(b: Bench) -> None:
    """checkov's CKV_AWS_51 on the ECR part of the corpus."""
    ecr = b.corpus / "ecr"
    mine = b.command("ecrfix --check corpus/ecr", [*b.ecrfix, "--check", str(ecr)], CHECK_CODES)
    try:
        exe = checkov()
    except (subprocess.CalledProcessError, OSError) as exc:
        b.notes.append(f"checkov could not be installed ({exc}): peer not measured")
        return
    argv = [str(exe), "-d", str(ecr), "--framework", "cloudformation", "--check", "CKV_AWS_51"]
    theirs = b.command("checkov", [*argv, "--skip-download"], (0, 1))
    b.measure("peer", [mine, theirs])
    b.rows.append(Row("`corpus/ecr/` `--check` vs checkov", mine, theirs, "faster", 30))
    b.notes.append(f"checkov {CHECKOV_VERSION}: {last_line(theirs.last_stdout, 'Failed checks')}")
    b.notes.append(f"ecrfix on `corpus/ecr/`: {last_line(mine.last_stderr)}")


def floor(b: Bench) -> None:
    """The whole corpus, --check and --write (on a fresh copy each run), against the floor."""
    least = b.command("floor corpus", [*FLOOR, str(b.corpus)])
    check = b.command("ecrfix --check corpus", [*b.ecrfix, "--check", str(b.corpus)], CHECK_CODES)
    write = b.command("ecrfix --write corpus", [*b.ecrfix, "--write"], CHECK_CODES, b.corpus)
    b.measure("floor", [check, least, write])
    b.rows.append(Row("whole corpus `--check`", check, least, "slower", 1.5))
    b.rows.append(Row("whole corpus `--write`", write, least, "slower", 3))
    b.notes.append(f"corpus `--check`: {last_line(check.last_stderr)}")
    b.notes.append(f"corpus `--write`: {last_line(write.last_stderr)}")


def scale(b: Bench) -> None:
    """Generated monorepos of 1k and 10k templates: growth, and all cores against one."""
    found: dict[str, dict[str, Command]] = {}
    for size in (1000, 10000):
        tree = b.work / f"tree-{size}"
        generate.write_tree(tree, size, seed=7)
        name = f"{size // 1000}k"
        found[name] = {
            "check": b.command(f"ecrfix --check {name}", [*b.ecrfix, "--check", str(tree)], (1,)),
            "floor": b.command(f"floor {name}", [*FLOOR, str(tree)]),
            "write": b.command(f"ecrfix --write {name}", [*b.ecrfix, "--write"], (0,), tree),
        }
    one_job = [*b.ecrfix, "--check", "--jobs", "1", str(b.work / "tree-10000")]
    found["10k"]["jobs1"] = b.command("ecrfix --check --jobs 1 10k", one_job, (1,))
    os.sync()  # the generated files are on disk before anything is timed
    b.measure("scale", [c for group in found.values() for c in group.values()])
    k1, k10 = found["1k"], found["10k"]
    b.rows += [
        Row("1k templates `--check`", k1["check"], k1["floor"], "slower", None),
        Row("10k templates `--check`", k10["check"], k10["floor"], "slower", None),
        Row("10k / 1k templates `--check`", k10["check"], k1["check"], "slower", 11),
        Row("10k templates `--check`, all cores", k10["check"], k10["jobs1"], "faster", 1.6),
        Row("1k templates `--write`", k1["write"], k1["floor"], "slower", None),
        Row("10k templates `--write`", k10["write"], k10["floor"], "slower", None),
        Row("10k / 1k templates `--write`", k10["write"], k1["write"], "slower", 11),
    ]
    b.notes.append(f"10k `--check`: {last_line(k10['check'].last_stderr)}")
    b.notes.append(f"10k `--write`: {last_line(k10['write'].last_stderr)}")


def huge(b: Bench) -> None:
    """One template with 5,000 repositories, YAML and JSON."""
    for suffix in ("yaml", "json"):
        path = b.work / f"huge.{suffix}"
        generate.write_huge(path, 5000, seed=7)
        os.sync()
        label = f"5,000 repositories, {path.stat().st_size / 1e6:.1f} MB {suffix.upper()}"
        least = b.command(f"floor {suffix}", [*FLOOR, str(path)])
        check = b.command(f"ecrfix --check {suffix}", [*b.ecrfix, "--check", str(path)], (1,))
        write = b.command(f"ecrfix --write {suffix}", [*b.ecrfix, "--write"], (0,), path)
        b.measure(f"huge {suffix}", [write, least, check])
        b.rows.append(Row(f"{label} `--check`", check, least, "slower", None))
        b.rows.append(Row(f"{label} `--write`", write, least, "slower", 4, rss_limit_mb=500))
        b.notes.append(f"{suffix} `--write`: {last_line(write.last_stderr)}")


WORKLOADS: dict[str, Callable[[Bench], None]] = {
    "startup": startup,
    "peer": peer,
    "floor": floor,
    "scale": scale,
    "huge": huge,
}
