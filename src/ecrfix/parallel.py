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
# hold an ECR resource costs tens of microseconds. Workers start only when each gets at
# least this many files.
MIN_FILES_PER_WORKER = 32
CHUNK = 8  # files per message: small enough to balance the load, large enough to be cheap
IN_FLIGHT = 2  # chunks queued per worker, so that none waits for its next one


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
    head = list(itertools.islice(items, jobs * MIN_FILES_PER_WORKER)) if jobs > 1 else []
    workers = min(jobs, len(head) // MIN_FILES_PER_WORKER)
    if workers < 2:
        return [paused_collector(work, t) for t in itertools.chain(head, items)]
    return _run_workers(itertools.chain(head, items), work, workers)


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


def _run_workers(items: Iterator[Target], work: Work, workers: int) -> list[FileReport]:
    # A pipe per worker and no helper threads (multiprocessing.Pool's worker-handler thread
    # spins while results wait to be read: a fifth of a CPU on 10k files).
    from multiprocessing.connection import wait

    results: list[FileReport | None] = []
    chunks = _chunks(items, work, results)
    context = _context()
    started: list[tuple[BaseProcess, Connection]] = []
    sys.stdout.flush()  # a forked worker flushes what it inherited when it exits
    sys.stderr.flush()
    try:
        for _ in range(workers):
            mine, theirs = context.Pipe()
            worker = context.Process(target=_serve, args=(theirs, work), daemon=True)
            worker.start()
            theirs.close()
            started.append((worker, mine))
        queued = {conn: 0 for _, conn in started}
        more = True
        while True:
            for conn in queued:
                while more and queued[conn] < IN_FLIGHT:
                    chunk = next(chunks, None)
                    if chunk is None:
                        more = False
                    else:
                        conn.send(chunk)
                        queued[conn] += 1
            busy = [conn for conn, n in queued.items() if n]
            if not busy:
                break
            for ready in wait(busy):
                conn = cast("Connection", ready)
                _receive(conn, results)
                queued[conn] -= 1
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
    items: Iterator[Target], work: Work, results: list[FileReport | None]
) -> Iterator[Chunk]:
    """Chunks of files for the workers; each gets its places in `results` now, and standard
    input, which only this process can read, is processed on the spot."""
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
        if len(chunk) == CHUNK:
            yield len(results) - CHUNK, chunk
            chunk = []
    if chunk:
        yield len(results) - len(chunk), chunk


def _receive(conn: Connection, results: list[FileReport | None]) -> None:
    try:
        start, reports, failure = conn.recv()
    except EOFError:
        raise WorkerFailed("a worker process died unexpectedly") from None
    if failure:
        raise WorkerFailed(f"a worker process failed:\n{failure}")
    results[start : start + len(reports)] = reports


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
            conn.send((start, [paused_collector(work, t) for t in targets], ""))
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
