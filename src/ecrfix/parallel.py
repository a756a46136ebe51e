from __future__ import annotations

import gc
import itertools
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, cast

from ecrfix.run import STDIN, FileReport, Target

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import DefaultContext, ForkContext
    from multiprocessing.process import BaseProcess

Work = Callable[[Target], FileReport]
Chunk = tuple[int, list[Target]]  # index of the first target, targets

# Starting a worker and shipping files to it costs a few milliseconds; a file that cannot
# hold an ECR resource costs tens of microseconds. Workers start only when each process
# gets at least this many files.
MIN_FILES_PER_PROCESS = 32
MAX_CHUNK = 64  # files per message; chunks start small and grow as the walk finds more
IN_FLIGHT = 6  # chunks queued per worker, so that none waits for its next one


class WorkerFailed(RuntimeError):
    pass


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows
        return os.cpu_count() or 1


def process_all(targets: Iterable[Target], work: Work, jobs: int | None = None) -> list[FileReport]:
    """`work(target)` for every target, in the order of `targets`, on up to `jobs` processes
    (default: one per CPU). `targets` may be a lazy walk: files are processed while it goes
    on. Standard input is always read by this process."""
    items = iter(targets)
    jobs = jobs or default_jobs()
    head = list(itertools.islice(items, jobs * MIN_FILES_PER_PROCESS)) if jobs > 1 else []
    processes = min(jobs, len(head) // MIN_FILES_PER_PROCESS)
    if processes < 2:
        return [paused_collector(work, t) for t in itertools.chain(head, items)]
    return _share(itertools.chain(head, items), work, processes - 1)


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


def _share(items: Iterator[Target], work: Work, workers: int) -> list[FileReport]:
    """This process walks and hands chunks of files to `workers` worker processes; when
    they all have enough queued, it processes the next chunk itself."""
    # A pipe per worker and no helper threads: multiprocessing.Pool's worker-handler thread
    # spins while results wait to be read (a fifth of a CPU on 10k files).
    from multiprocessing.connection import wait

    results: list[FileReport | None] = []
    started: list[tuple[BaseProcess, Connection]] = []
    sys.stdout.flush()  # a forked worker flushes what it inherited when it exits
    sys.stderr.flush()
    try:
        context = _context()
        for _ in range(workers):
            mine, theirs = context.Pipe()
            worker = context.Process(target=_serve, args=(theirs, work), daemon=True)
            worker.start()
            theirs.close()
            started.append((worker, mine))
        queued = {conn: 0 for _, conn in started}
        sent: dict[int, list[Target]] = {}
        for start, chunk in _chunks(items, work, results, workers + 1):
            conn = min(queued, key=queued.__getitem__)
            if queued[conn] < IN_FLIGHT:
                conn.send((start, chunk))
                sent[start] = chunk
                queued[conn] += 1
            else:
                results[start : start + len(chunk)] = [paused_collector(work, t) for t in chunk]
            for ready in wait([c for c, n in queued.items() if n], timeout=0):
                queued[_receive(cast("Connection", ready), results, sent)] -= 1
        while busy := [c for c, n in queued.items() if n]:
            for ready in wait(busy):
                queued[_receive(cast("Connection", ready), results, sent)] -= 1
        for _, conn in started:
            conn.send(None)
    except BaseException:  # an interrupt or a failed worker: the others stop now
        for process, _ in started:
            process.kill()
        raise
    finally:
        for process, conn in started:
            conn.close()
            process.join()
    done = [r for r in results if r is not None]
    assert len(done) == len(results)
    return done


def _chunks(
    items: Iterator[Target], work: Work, results: list[FileReport | None], processes: int
) -> Iterator[Chunk]:
    """Chunks of files, each given its places in `results` now; standard input, which only
    this process can read, is processed on the spot. A chunk is a small share of the files
    found so far: small while the count is small, for balance; larger later, for speed."""
    chunk: list[Target] = []
    for target in items:
        if target.path == STDIN:
            if chunk:
                yield len(results) - len(chunk), chunk
                chunk = []
            results.append(paused_collector(work, target))
            continue
        results.append(None)
        chunk.append(target)
        if len(chunk) >= min(MAX_CHUNK, len(results) // (processes * 8)):
            yield len(results) - len(chunk), chunk
            chunk = []
    if chunk:
        yield len(results) - len(chunk), chunk


def _receive(
    conn: Connection, results: list[FileReport | None], sent: dict[int, list[Target]]
) -> Connection:
    try:
        start, reports, failure = conn.recv()
    except EOFError:
        raise WorkerFailed("a worker process died unexpectedly") from None
    if failure:
        raise WorkerFailed(f"a worker process failed:\n{failure}")
    targets = sent.pop(start)
    results[start : start + len(reports)] = [
        FileReport(t.path, []) if r is None else r for t, r in zip(targets, reports, strict=True)
    ]
    return conn


def _serve(conn: Connection, work: Work) -> None:
    # Ctrl-C is the parent's to handle (it stops the workers); workers would only add noise
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            chunk: Chunk | None = conn.recv()
        except EOFError:
            return
        if chunk is None:
            return
        start, targets = chunk
        try:
            reports = [paused_collector(work, t) for t in targets]
            # most files hold nothing: None is cheaper to send than their empty report
            conn.send((start, [None if r == FileReport(r.path, []) else r for r in reports], ""))
        except Exception:
            conn.send((start, [], traceback.format_exc()))
            return


def _context() -> ForkContext | DefaultContext:
    # fork starts a worker in a millisecond with everything already imported; elsewhere
    # (macOS, Windows) the platform's default is the safe choice
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()  # pragma: no cover
