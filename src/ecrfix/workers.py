"""Worker processes, each with a channel that carries pickled messages both ways.

On Linux a worker is forked and its channel is a pair of the operating system's pipes,
read and written here: multiprocessing would do the same, but importing it (pickle's
fellows socket, selectors, threading, tempfile...) costs 11 ms, a fifth of ecrfix's
start-up. Where forking is unsafe or missing (macOS, Windows), multiprocessing starts
the platform's default kind of process (spawned: a new interpreter).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, Protocol

FORK = sys.platform.startswith("linux")
START_METHOD: str | None = None  # multiprocessing's, where workers are not forked here
_HEADER = 8  # bytes of a message's length, before the message
_READ = 1 << 20


class Channel(Protocol):
    def send(self, message: Any) -> None: ...

    def recv(self) -> Any:  # EOFError once the other end is closed
        ...

    def close(self) -> None: ...


# What a worker runs: serve(channel, argument), until the channel says stop
Serve = Callable[[Channel, Any], None]


class Worker(Protocol):
    channel: Channel

    def kill(self) -> None: ...

    def close(self) -> None:  # the channel, then the process, once it has exited
        ...


def start(serve: Serve, argument: Any, others: Sequence[Worker]) -> Worker:
    """A worker running `serve(channel, argument)`; `others` are the workers started
    before it, whose channels a forked worker must not hold open."""
    if FORK:
        return _ForkedWorker(serve, argument, others)
    return _StartedWorker(serve, argument)


class Listener:
    """Tells which of a set of workers have a message to read, or have gone: set up once,
    since the dispatcher asks after every file it works on itself."""

    def __init__(self, workers: Sequence[Worker]) -> None:
        self.workers = list(workers)
        self.by_fd: dict[int, Worker] = {}
        forked = [w for w in self.workers if isinstance(w, _ForkedWorker)]
        if len(forked) == len(self.workers):
            import select

            self.poller = select.poll()
            for worker in forked:
                self.by_fd[worker.pipes.read_fd] = worker
                self.poller.register(worker.pipes.read_fd, select.POLLIN)

    def ready(self, timeout: float | None) -> list[Worker]:
        """Waiting up to `timeout` seconds (None: until there is one)."""
        if not self.by_fd:
            from multiprocessing.connection import wait

            by_channel = {id(w.channel): w for w in self.workers}
            waited: list[Any] = [w.channel for w in self.workers]
            return [by_channel[id(c)] for c in wait(waited, timeout)]
        events = self.poller.poll(None if timeout is None else int(timeout * 1000))
        return [self.by_fd[fd] for fd, _ in events]


class _Pipes:
    """A channel over two pipes: a message is its length, then its pickle."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd, self.write_fd = read_fd, write_fd

    def send(self, message: Any) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(len(data).to_bytes(_HEADER, "little") + data)
        while view:
            view = view[os.write(self.write_fd, view) :]

    def recv(self) -> Any:
        size = int.from_bytes(self._read(_HEADER), "little")
        return pickle.loads(self._read(size))

    def _read(self, size: int) -> bytes:
        parts: list[bytes] = []
        while size:
            part = os.read(self.read_fd, min(size, _READ))
            if not part:
                raise EOFError
            parts.append(part)
            size -= len(part)
        return b"".join(parts)

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


class _ForkedWorker:
    def __init__(self, serve: Serve, argument: Any, others: Sequence[Worker]) -> None:
        to_worker, from_parent = os.pipe()[::-1]  # (write end, read end)
        from_worker, to_parent = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (to_worker, from_parent, from_worker, to_parent):
                os.close(fd)
            raise
        if pid == 0:  # pragma: no cover - runs in the worker, where coverage does not look
            code = 1
            try:
                # the parent's ends, here and for the workers before this one: held open,
                # they would keep a worker waiting for work forever once the parent is gone
                for fd in (to_worker, from_worker):
                    os.close(fd)
                for other in others:
                    other.channel.close()
                serve(_Pipes(from_parent, to_parent), argument)
                code = 0
            finally:
                for stream in (sys.stdout, sys.stderr):
                    with contextlib.suppress(Exception):
                        stream.flush()
                os._exit(code)  # no exit handlers: they are the parent's
        os.close(from_parent)
        os.close(to_parent)
        self.pid = pid
        self.pipes = _Pipes(from_worker, to_worker)
        self.channel: Channel = self.pipes

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def close(self) -> None:
        self.channel.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


class _StartedWorker:
    def __init__(self, serve: Serve, argument: Any) -> None:
        import multiprocessing

        context: Any = multiprocessing.get_context(START_METHOD)
        mine, theirs = context.Pipe()
        self.channel: Channel = mine
        self.process = context.Process(target=serve, args=(theirs, argument), daemon=True)
        self.process.start()
        theirs.close()

    def kill(self) -> None:
        self.process.kill()

    def close(self) -> None:
        self.channel.close()
        self.process.join()
