"""ecrfix side by side with checkov, with the floor, at scale, and at start-up.

    .venv/bin/python benchmarks/run.py            # ~10 minutes on 2 cores
    .venv/bin/python benchmarks/run.py --quick    # fewer runs, for a first look

Prints a Markdown table and writes it, with the machine it ran on, to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import generate
from measure import Command, CommandFailed, alternate, load_average, machine
from table import Row, render

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHECKOV_VERSION = "3.3.30"
CHECKOV_VENV = HERE / ".venv-checkov"
FLOOR = [sys.executable, str(HERE / "floor.py")]
BARE_IMPORT = [sys.executable, "-c", "import typer, ruamel.yaml"]
SMALL_TEMPLATE = ROOT / "examples" / "service.yaml"
CHECK_CODES = (0, 1, 2)  # clean, findings, some files unparsable (the corpus has six)


def ecrfix_command() -> list[str]:
    script = Path(sys.executable).parent / "ecrfix"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ecrfix"]


def checkov() -> Path:
    """checkov in its own virtual environment (its pins clash with ours), made once."""
    exe = CHECKOV_VENV / "bin" / "checkov"
    if not exe.exists():
        print(f"installing checkov {CHECKOV_VERSION} into {CHECKOV_VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        pip = [str(CHECKOV_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, f"checkov=={CHECKOV_VERSION}"], check=True)
    return exe


def fresh_copy(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copyfile(source, target)
    os.sync()  # else the fsyncs of --write would also flush the copy's dirty pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 runs per command, not 5")
    parser.add_argument("--runs", type=int, help="runs per command (default 5)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 5)
    corpus = args.corpus.resolve()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="ecrfix-bench-") as tmp:
        work = Path(tmp)
        try:
            rows, notes = measure_all(work, corpus, runs)
        except CommandFailed as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 1
    text = report(rows, notes, runs, load_before)
    print(text)
    args.output.write_text(text)
    return 0


def measure_all(work: Path, corpus: Path, runs: int) -> tuple[list[Row], list[str]]:
    ecrfix = ecrfix_command()
    log = work / "stderr.log"
    notes: list[str] = []
    rows: list[Row] = []

    def cmd(
        name: str,
        argv: list[str],
        codes: tuple[int, ...] = (0,),
        copy: Path | None = None,
        source: Path | None = None,
    ) -> Command:
        if copy is None or source is None:
            return Command(name, argv, ok_codes=codes)
        prepare = functools.partial(fresh_copy, source, copy)
        return Command(name, [*argv, str(copy)], prepare=prepare, ok_codes=codes)

    def timed(label: str, commands: list[Command]) -> None:
        print(f"{label}: {' / '.join(c.name for c in commands)} x{runs}", file=sys.stderr)
        alternate(commands, runs, log)

    # start-up: one small template against the imports every typer + ruamel tool pays
    small = cmd("ecrfix --check small", [*ecrfix, "--check", str(SMALL_TEMPLATE)], (1,))
    bare = cmd("import typer, ruamel.yaml", BARE_IMPORT)
    timed("start-up", [small, bare])
    rows.append(Row("one small template `--check`", small, bare, "slower", 1.5))

    # peer: checkov's CKV_AWS_51 on the ECR part of the corpus
    ecr = corpus / "ecr"
    peer = cmd("ecrfix --check corpus/ecr", [*ecrfix, "--check", str(ecr)], CHECK_CODES)
    try:
        exe = checkov()
        ck_argv = [str(exe), "-d", str(ecr), "--framework", "cloudformation"]
        ck = cmd("checkov", [*ck_argv, "--check", "CKV_AWS_51", "--skip-download"], (0, 1))
        timed("peer", [peer, ck])
        rows.append(Row("`corpus/ecr/` `--check` vs checkov", peer, ck, "faster", 30))
        notes.append(f"checkov {CHECKOV_VERSION}: {summary_of(ck, 'Failed checks')}")
    except (subprocess.CalledProcessError, OSError) as exc:
        notes.append(f"checkov could not be installed or run ({exc}): peer row not measured")

    # floor: the whole corpus, --check and --write (on a fresh copy each run)
    floor = cmd("floor corpus", [*FLOOR, str(corpus)])
    check = cmd("ecrfix --check corpus", [*ecrfix, "--check", str(corpus)], CHECK_CODES)
    copy = work / "corpus"
    write = cmd("ecrfix --write corpus", [*ecrfix, "--write"], CHECK_CODES, copy, corpus)
    timed("floor", [check, floor, write])
    rows.append(Row("whole corpus `--check`", check, floor, "slower", 1.5))
    rows.append(Row("whole corpus `--write`", write, floor, "slower", 3))
    notes += [f"corpus `--check`: {summary_of(check)}", f"corpus `--write`: {summary_of(write)}"]

    # scale: a generated monorepo of 1k and 10k templates
    scale: dict[str, dict[str, Command]] = {}
    for size in (1000, 10000):
        tree = work / f"tree-{size}"
        generate.write_tree(tree, size, seed=7)
        name = f"{size // 1000}k"
        copy = work / f"tree-{size}-copy"
        scale[name] = {
            "check": cmd(f"ecrfix --check {name}", [*ecrfix, "--check", str(tree)], (1,)),
            "floor": cmd(f"floor {name}", [*FLOOR, str(tree)]),
            "write": cmd(f"ecrfix --write {name}", [*ecrfix, "--write"], (0,), copy, tree),
        }
        if size == 10000:
            one = [*ecrfix, "--check", "--jobs", "1", str(tree)]
            scale[name]["jobs1"] = cmd(f"ecrfix --check --jobs 1 {name}", one, (1,))
    timed("scale", [c for group in scale.values() for c in group.values()])
    k1, k10 = scale["1k"], scale["10k"]
    rows.append(Row("1k templates `--check`", k1["check"], k1["floor"], "slower", None))
    rows.append(Row("10k templates `--check`", k10["check"], k10["floor"], "slower", None))
    rows.append(Row("10k / 1k templates `--check`", k10["check"], k1["check"], "slower", 11))
    cores = "10k templates `--check`, all cores vs `--jobs 1`"
    rows.append(Row(cores, k10["check"], k10["jobs1"], "faster", 1.6))
    rows.append(Row("1k templates `--write`", k1["write"], k1["floor"], "slower", None))
    rows.append(Row("10k templates `--write`", k10["write"], k10["floor"], "slower", None))
    rows.append(Row("10k / 1k templates `--write`", k10["write"], k1["write"], "slower", 11))
    notes += [f"10k `--check`: {summary_of(k10['check'])}"]
    notes += [f"10k `--write`: {summary_of(k10['write'])}"]

    # one huge template, YAML and JSON
    for suffix in ("yaml", "json"):
        huge = work / f"huge.{suffix}"
        generate.write_huge(huge, 5000, seed=7)
        size_mb = huge.stat().st_size / 1e6
        copy = work / f"huge-copy.{suffix}"
        label = f"5,000 repositories, {size_mb:.1f} MB {suffix.upper()}"
        floor1 = cmd(f"floor {suffix}", [*FLOOR, str(huge)])
        check1 = cmd(f"ecrfix --check {suffix}", [*ecrfix, "--check", str(huge)], (1,))
        write1 = cmd(f"ecrfix --write {suffix}", [*ecrfix, "--write"], (0,), copy, huge)
        timed(f"huge {suffix}", [write1, floor1, check1])
        rows.append(Row(f"{label} `--check`", check1, floor1, "slower", None))
        rows.append(Row(f"{label} `--write`", write1, floor1, "slower", 4, rss_limit_mb=500))
        notes.append(f"{suffix} `--write`: {summary_of(write1)}")
    return rows, notes


def summary_of(command: Command, marker: str = "") -> str:
    lines = [line.strip() for line in command.last_stderr.splitlines() if line.strip()]
    if marker:
        lines = [line for line in command.last_stderr.splitlines() if marker in line]
    return lines[-1] if lines else "(no summary)"


def report(rows: list[Row], notes: list[str], runs: int, load_before: str) -> str:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        "Produced by `.venv/bin/python benchmarks/run.py`; do not edit by hand.",
        "",
        render(rows),
        "",
        f"Median wall time of {runs} runs per command, commands of a workload run in"
        " alternation (A B A B ...) after one untimed warm-up each; peak RSS is the largest"
        " of the runs (wait4; with worker processes, the largest process). Ratios are"
        " ecrfix / reference (`slower`: at most the target) or reference / ecrfix"
        " (`faster`: at least the target).",
        "",
        "## Machine",
        "",
        *[f"- {line}" for line in machine()],
        f"- {stamp}; load average {load_before} before, {load_average()} after",
        "",
        "## What each run did (last run's summary line)",
        "",
        *[f"- {note}" for note in notes],
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
