"""Wall time and peak memory of commands, measured in alternation."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Command:
    name: str
    argv: list[str]
    prepare: Callable[[], None] | None = None  # run before each measurement, not timed
    ok_codes: tuple[int, ...] = (0,)
    times: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    last_stdout: str = ""
    last_stderr: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_rss_mb(self) -> float:
        return max(self.rss_kb) / 1024


class CommandFailed(RuntimeError):
    pass


def run_once(command: Command, log: Path) -> None:
    """Time one run; peak RSS comes from wait4, the rusage of that very child (on Linux its
    ru_maxrss covers the child and the workers it waited for: the largest of them)."""
    if command.prepare is not None:
        command.prepare()
    out_log, err_log = log.with_suffix(".out"), log.with_suffix(".err")
    with open(out_log, "wb") as out, open(err_log, "wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command.argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    command.last_stdout = out_log.read_text(errors="replace")
    command.last_stderr = err_log.read_text(errors="replace")
    if child.returncode not in command.ok_codes or "Traceback" in command.last_stderr:
        tail = "\n".join(command.last_stderr.splitlines()[-5:])
        raise CommandFailed(f"{command.name}: exit {child.returncode}: {command.argv}\n{tail}")
    command.times.append(elapsed)
    command.rss_kb.append(int(usage.ru_maxrss))  # kilobytes on Linux


def alternate(commands: Sequence[Command], runs: int, log: Path, quiet: Callable[[], bool]) -> int:
    """A B C A B C ...: the machine's slow moments fall on every command alike. Each run
    waits for a quiet machine first (the machine may be shared); returns how many runs
    did not get one."""
    for command in commands:  # one untimed warm-up each: page cache, .pyc files
        run_once(command, log)
        command.times.clear()
        command.rss_kb.clear()
    busy = 0
    for _ in range(runs):
        for command in commands:
            busy += not quiet()
            run_once(command, log)
    return busy


def cpu_busy(seconds: float = 0.5) -> float:
    """The share of all CPUs busy over `seconds`, from /proc/stat (0.0 where unknown)."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle and iowait
        return sum(fields), idle

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


class QuietWait:
    """Waits until other processes leave the CPUs alone: at most `limit` seconds each time
    and `budget` seconds in all, so that a busy machine only makes the numbers noisier."""

    def __init__(self, limit: float = 30, budget: float = 300, busy: float = 0.15) -> None:
        self.limit, self.budget, self.busy = limit, budget, busy

    def __call__(self) -> bool:
        start = time.monotonic()
        deadline = start + min(self.limit, self.budget)
        quiet = False
        while not quiet and time.monotonic() < deadline:
            quiet = cpu_busy() < self.busy
        self.budget -= time.monotonic() - start
        return quiet


def machine() -> list[str]:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or model
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return [
        f"CPU: {model}, {os.cpu_count()} cores ({usable} usable){memory}",
        f"Python {platform.python_version()} ({sys.implementation.name}), {platform.platform()}",
    ]


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "n/a"
