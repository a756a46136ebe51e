"""The benchmark's own parts on tiny inputs (the benchmark itself is `benchmarks/run.py`)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from ecrfix.engine import analyze
from ecrfix.model import FIXABLE
from ecrfix.source import decode

from .conftest import ROOT

BENCHMARKS = ROOT / "benchmarks"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, ModuleType]]:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import measure
    import table

    import generate

    yield {"generate": generate, "measure": measure, "table": table}
    for script in BENCHMARKS.glob("*.py"):  # they are scripts: forget them as modules
        sys.modules.pop(script.stem, None)


def _script(name: str, *args: str) -> str:
    argv = [sys.executable, str(BENCHMARKS / name), *args]
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def test_generated_tree_is_templates_a_few_with_ecr(tmp_path: Path) -> None:
    out = _script("generate.py", "tree", str(tmp_path / "t"), "--templates", "150", "--seed", "3")
    files = sorted(p for p in (tmp_path / "t").rglob("stack*"))
    assert len(files) == 150
    assert {p.suffix for p in files} == {".yaml", ".json"}
    with_ecr = [p for p in files if b"AWS::ECR::" in p.read_bytes()]
    assert out.endswith(f"150 templates, {len(with_ecr)} with ECR repositories\n")
    assert 0 < len(with_ecr) < 15
    sizes = sorted(p.stat().st_size for p in files)
    assert sizes[0] > 900 and sizes[len(sizes) // 2] < 20_000
    for path in files:
        outcome = analyze(decode(path.read_bytes()), fix=path in with_ecr)
        assert outcome.is_template
        assert all(f.status == FIXABLE for f in outcome.findings)
        assert bool(outcome.findings) == (outcome.fixed != decode(path.read_bytes()).text)
    floor = _script("floor.py", str(tmp_path / "t"))
    assert floor == f"150 files read, {len(with_ecr)} composed\n"


@pytest.mark.parametrize(
    ("suffix", "immutable"),
    [("yaml", "ImageTagMutability: IMMUTABLE"), ("json", '"ImageTagMutability": "IMMUTABLE"')],
)
def test_huge_template_has_the_asked_repositories(
    tmp_path: Path, suffix: str, immutable: str
) -> None:
    huge = tmp_path / f"huge.{suffix}"
    _script("generate.py", "huge", str(huge), "--repositories", "60")
    text = huge.read_text()
    outcome = analyze(decode(huge.read_bytes()))
    assert {f.resource for f in outcome.findings} < {f"Repo{i:04d}" for i in range(60)}
    assert len(outcome.findings) == 60 - text.count(immutable)
    assert analyze(decode(outcome.fixed.encode())).findings == []
    assert _script("floor.py", str(huge)) == "1 files read, 1 composed\n"


def test_rows_compare_against_their_targets(bench: dict[str, ModuleType]) -> None:
    command, row = bench["measure"].Command, bench["table"].Row

    def timed(name: str, *times: float, rss_kb: int = 20_000) -> object:
        return command(name, [], times=list(times), rss_kb=[rss_kb])

    fast, slow = timed("a", 0.1, 0.3, 0.2), timed("b", 3.0, 2.0, 9.0)
    assert row("peer", fast, slow, "faster", 10).ratio == pytest.approx(15)
    assert row("peer", fast, slow, "faster", 10).met is True
    assert row("peer", fast, slow, "faster", 20).met is False
    assert row("floor", slow, fast, "slower", 20).met is True
    assert row("floor", slow, fast, "slower", None).met is None
    big = timed("c", 0.2, rss_kb=600 * 1024)
    assert row("huge", big, fast, "slower", 4, rss_limit_mb=500).met is False
    rendered = bench["table"].render([row("floor", slow, fast, "slower", 1.5)])
    assert rendered.splitlines()[2] == (
        "| floor | 3.00 s | 20 MB | a | 200 ms | 20 MB | 15.00x | ≤ 1.5x | **not met** |"
    )


def test_runs_are_timed_and_failures_stop_the_benchmark(
    bench: dict[str, ModuleType], tmp_path: Path
) -> None:
    measure = bench["measure"]
    ok = measure.Command("ok", [sys.executable, "-c", "print('x')"])
    assert measure.alternate([ok], 2, tmp_path / "log", quiet=lambda: False) == 2
    assert len(ok.times) == 2 and min(ok.times) > 0 and ok.peak_rss_mb > 1
    assert ok.last_stdout == "x\n"
    assert 0 <= measure.cpu_busy(0.05) <= 1
    wait = measure.QuietWait(limit=5, budget=0.01)
    wait()  # looks once, then the budget is spent: a busy machine cannot stall the benchmark
    assert wait.budget < 0 and wait() is False
    bad = measure.Command("bad", [sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(measure.CommandFailed, match="bad: exit 3"):
        measure.run_once(bad, tmp_path / "log")
    assert any(line.startswith("CPU: ") for line in measure.machine())
