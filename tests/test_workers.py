"""Worker processes and their channels: messages of any size both ways, and no worker
left waiting for a parent that is gone."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from ecrfix import parallel, workers
from ecrfix.run import FileReport, Target


def _echo(channel: workers.Channel, suffix: Any) -> None:
    while True:
        try:
            message = channel.recv()
        except EOFError:
            return
        if message is None:
            return
        channel.send((message, suffix, os.getpid()))


def _exited_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return True
        time.sleep(0.01)
    return False


@pytest.fixture(params=["forked here", "spawned by multiprocessing"])
def kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    # spawned workers are what macOS and Windows get; they run here too, to be tested
    if request.param != "forked here":
        monkeypatch.setattr(workers, "FORK", False)
        monkeypatch.setattr(workers, "START_METHOD", "spawn")
    return str(request.param)


def test_messages_of_any_size_go_both_ways(kind: str) -> None:
    worker = workers.start(_echo, "!", [])
    try:
        # 5 MB is far past a pipe's buffer: written and read in many parts
        for message in ("small", "x" * 5_000_000, {"nested": [1, 2.5, None, b"\x00"]}):
            worker.channel.send(message)
            assert workers.Listener([worker]).ready(30) == [worker]
            echoed, suffix, pid = worker.channel.recv()
            assert (echoed, suffix) == (message, "!") and pid != os.getpid()
        assert workers.Listener([worker]).ready(0) == []  # nothing more to read
        worker.channel.send(None)
    finally:
        worker.close()


def test_a_dead_worker_reads_as_the_end_of_its_channel(kind: str) -> None:
    worker = workers.start(_echo, "", [])
    try:
        worker.kill()
        assert workers.Listener([worker]).ready(30) == [worker]
        with pytest.raises(EOFError):
            worker.channel.recv()
    finally:
        worker.close()


def test_a_forked_worker_holds_no_other_workers_channel() -> None:
    if not workers.FORK:
        pytest.skip("workers are forked on Linux only")
    first = workers.start(_echo, "", [])
    second = workers.start(_echo, "", [first])
    try:
        assert isinstance(first, workers._ForkedWorker)
        first.channel.close()  # as when this process dies: the worker must see the end
        assert _exited_within(first.pid, 10), "the first worker still waits for work"
    finally:
        second.close()
        first.close()


def _pid_report(target: Target) -> FileReport:
    return FileReport(target.path, [], note=str(os.getpid()))


def test_process_all_with_spawned_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "FORK", False)
    monkeypatch.setattr(workers, "START_METHOD", "spawn")
    paths = [f"f{i}" for i in range(100)]
    reports = parallel.process_all((Target(p, False) for p in paths), _pid_report, jobs=2)
    assert [r.path for r in reports] == paths
    assert len({r.note for r in reports}) == 2  # this process and one spawned worker
