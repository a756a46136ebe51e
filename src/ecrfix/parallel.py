from __future__ import annotations

import collections
import gc
import itertools
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from ecrfix import workers as processes
from ecrfix.interrupt import Interruption
from ecrfix.run import STDIN, FileReport, Target

if TYPE_CHECKING:
    from ecrfix.workers import Channel, Worker

Work = Callable[[Target], FileReport]
Chunk = tuple[list[int], list[Target]]  # places in the results, files

# Starting a worker and shipping files to it costs a few milliseconds; a file that cannot
# hold an ECR resource costs tens of microseconds. Workers start only when each worker
# gets at least this many files.
MIN_FILES_PER_PROCESS = 32
LOOKAHEAD = 2048  # files walked ahead of the workers...
WALK_STEP = 32  # ...a few more at a time between two looks at the workers
MAX_CHUNK = 64  # files per message to a worker
CHUNK_SHARE = 16  # a chunk is at most 1/(this * workers) of the files not handed out
IN_FLIGHT = 2  # chunks queued per worker, so that none waits for its next one


class WorkerFailed(RuntimeError):
    pass


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows
        return os.cpu_count() or 1


def process_all(
    targets: Iterable[Target],
    work: Work,
    jobs: int | None = None,
    interruption: Interruption | None = None,
) -> list[FileReport]:
    """`work(target)` for every target, in the order of `targets`, by up to `jobs`
    processes (default: one per CPU): this one, which walks and hands out the files and
    works on some itself, and `jobs - 1` workers. `targets` may be a lazy walk. Standard
    input is always read by this process. Once an interruption is requested no file is
    started: the reports of the files done are returned; a KeyboardInterrupt (a second
    Ctrl-C) requests one too."""
    interruption = interruption or Interruption()
    items = iter(targets)
    jobs = jobs or default_jobs()
    head = list(itertools.islice(items, jobs * MIN_FILES_PER_PROCESS)) if jobs > 1 else []
    processes = min(jobs, len(head) // MIN_FILES_PER_PROCESS)
    if processes < 2:
        done: list[FileReport] = []
        try:
            for target in itertools.chain(head, items):
                if interruption.requested:
                    break
                done.append(paused_collector(work, target))
        except KeyboardInterrupt:  # the file in hand was not written
            interruption.requested = True
        return done
    dispatcher = _Dispatcher(itertools.chain(head, items), work, interruption)
    try:
        return dispatcher.run(processes - 1)
    except KeyboardInterrupt:  # the workers were stopped at once
        interruption.requested = True
        return [r for r in dispatcher.results if r is not None]


def paused_collector(work: Work, target: Target) -> FileReport:
    # Composing a template allocates many small objects and no cycles worth chasing: the
    # cyclic collector would rescan the growing node tree again and again (2-3x the time of
    # a 3 MB template). It runs again, and frees what cycles were left, after each file.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return work(target)
    finally:
        if enabled:
            gc.enable()


class _Dispatcher:
    """This process walks and hands the files found, in chunks, to worker processes, and
    works on files itself, one at a time, while each worker has chunks queued.

    A chunk is a small share of the files walked and not yet handed out, so chunks shrink
    towards the end and the workers finish at about the same time even when a few files
    (a 3 MB template, one the pure-Python composer must read) cost more than thousands of
    others. Working here rather than starting one more worker keeps one process per CPU:
    a walking process beside a worker per CPU would take CPU time from them. A pipe per
    worker and no helper threads: multiprocessing.Pool's worker-handler thread spins while
    results wait to be read (a fifth of a CPU on 10k files)."""

    def __init__(self, items: Iterator[Target], work: Work, interruption: Interruption) -> None:
        self.items: Iterator[Target] | None = items
        self.work, self.interruption = work, interruption
        self.targets: list[Target] = []
        self.results: list[FileReport | None] = []
        self.pending: collections.deque[int] = collections.deque()  # walked, not handed out

    def run(self, workers: int) -> list[FileReport]:
        started: list[Worker] = []
        sys.stdout.flush()  # a forked worker flushes what it inherited when it exits
        sys.stderr.flush()
        try:
            # the collector leaves what exists now alone until the workers are done: its
            # scans would write to the pages this process and the workers share, and have
            # them copied (20 ms on 10k files)
            gc.freeze()
            for _ in range(workers):
                started.append(processes.start(_serve, self.work, started))
            self._hand_out(dict.fromkeys(started, 0), processes.Listener(started))
            for worker in started:
                worker.channel.send(None)
        except BaseException:  # an interrupt or a failed worker: the others stop now
            for worker in started:
                worker.kill()
            raise
        finally:
            for worker in started:
                worker.close()
            gc.unfreeze()
        return [r for r in self.results if r is not None]  # all, unless stopped

    def _hand_out(self, queued: dict[Worker, int], listener: processes.Listener) -> None:
        share = CHUNK_SHARE * (len(queued) + 1)  # this process works too
        self._walk_ahead(LOOKAHEAD)  # a few milliseconds; then chunks fit the size of the walk
        while True:
            if (
                self.interruption.requested
            ):  # hand out nothing more; the chunks in flight are finished
                self.items = None
                self.pending.clear()
            self._walk_ahead(WALK_STEP)
            for worker, count in queued.items():
                if count < IN_FLIGHT and self.pending:
                    size = max(1, min(MAX_CHUNK, len(self.pending) // share))
                    places = [self.pending.popleft() for _ in range(size)]
                    worker.channel.send((places, [self.targets[i] for i in places]))
                    queued[worker] += 1
            busy = [worker for worker, count in queued.items() if count]
            if not busy:
                return
            if self.pending:  # every worker has IN_FLIGHT chunks queued: one file here
                place = self.pending.popleft()
                self.results[place] = paused_collector(self.work, self.targets[place])
                timeout: float | None = 0
            else:  # wait for a result, unless there is walking to do meanwhile
                walking = self.items is not None and len(self.pending) < LOOKAHEAD
                timeout = 0 if walking else None
            for worker in listener.ready(timeout):  # only busy workers answer, or dead ones
                self._receive(worker.channel)
                queued[worker] -= 1

    def _walk_ahead(self, step: int) -> None:
        for _ in range(min(step, LOOKAHEAD - len(self.pending))):
            if self.items is None:
                return
            target = next(self.items, None)
            if target is None:
                self.items = None
                return
            self.targets.append(target)
            if target.path == STDIN:  # only this process can read it
                self.results.append(paused_collector(self.work, target))
            else:
                self.pending.append(len(self.results))
                self.results.append(None)

    def _receive(self, channel: Channel) -> None:
        try:
            places, reports, failure = channel.recv()
        except EOFError:
            raise WorkerFailed("a worker process died unexpectedly") from None
        if failure:
            raise WorkerFailed(f"a worker process failed:\n{failure}")
        for place, report in zip(places, reports, strict=True):
            self.results[place] = (
                FileReport(self.targets[place].path, []) if report is None else report
            )


def _serve(channel: Channel, work: Work) -> None:
    # Ctrl-C is the parent's to handle (it stops the workers); workers would only add noise
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            chunk: Chunk | None = channel.recv()
        except EOFError:  # the parent is gone
            return
        if chunk is None:
            return
        places, targets = chunk
        try:
            reports = [paused_collector(work, t) for t in targets]
            # most files hold nothing: None is cheaper to send than their empty report
            empty = [None if r == FileReport(r.path, []) else r for r in reports]
            channel.send((places, empty, ""))
        except Exception:
            channel.send((places, [], traceback.format_exc()))
            return
