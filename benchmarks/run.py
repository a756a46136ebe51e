"""ecrfix side by side with checkov, with the floor, at scale, and at start-up.

    .venv/bin/python benchmarks/run.py            # 5-15 minutes on 2 cores
    .venv/bin/python benchmarks/run.py --quick    # 3 runs per command, for a first look
    .venv/bin/python benchmarks/run.py --only scale huge

Prints a Markdown table and writes it, with the machine it ran on, to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
from pathlib import Path

from measure import CommandFailed, load_average, machine
from table import render
from workloads import ROOT, WORKLOADS, Bench, compile_bytecode, ecrfix_command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 runs per command, not 5")
    parser.add_argument("--runs", type=int, help="runs per command (default 5)")
    parser.add_argument("--only", nargs="+", choices=list(WORKLOADS), help="these workloads")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 5)
    compile_bytecode()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="ecrfix-bench-") as tmp:
        bench = Bench(Path(tmp), args.corpus.resolve(), runs, ecrfix_command())
        try:
            for name in args.only or WORKLOADS:
                WORKLOADS[name](bench)
        except CommandFailed as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 1
    text = report(bench, load_before)
    print(text)
    args.output.write_text(text)
    return 0


def report(bench: Bench, load_before: str) -> str:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            "# Benchmarks",
            "",
            "Produced by `.venv/bin/python benchmarks/run.py`; do not edit by hand.",
            "",
            render(bench.rows),
            "",
            f"Median wall time of {bench.runs} runs per command; the commands of a workload"
            " run in alternation (A B A B ...) after one untimed warm-up each. Peak RSS is the"
            " largest of the runs, from wait4 (with worker processes: the largest process)."
            " Ratios are ecrfix / reference (target: at most) or, marked `faster`,"
            " reference / ecrfix (target: at least). `--write` runs on a fresh copy each"
            " time, made outside the timed region. ecrfix's modules are compiled to bytecode"
            " first, as `pip install` does. This machine is shared: each run first"
            " waits (30 s at most, 5 minutes in all) until other processes leave the CPUs"
            " idle.",
            "",
            "## Machine",
            "",
            *[f"- {line}" for line in machine()],
            f"- {stamp}; load average {load_before} before, {load_average()} after;"
            f" {bench.busy_runs} runs started while other processes kept the CPUs busy",
            "",
            "## What the runs did (last run's summary)",
            "",
            *[f"- {note}" for note in bench.notes],
            "",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
