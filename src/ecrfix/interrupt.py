"""Ctrl-C during a run: finish the file in hand, then stop and say what was done."""

from __future__ import annotations

import signal
from types import FrameType, TracebackType

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C


class Interruption:
    """While active, a first SIGINT is only noted (`requested`), so the file in progress
    is finished; a second one raises KeyboardInterrupt as usual, for a run that hangs."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: object = None
        self._installed = False

    def __enter__(self) -> Interruption:
        try:
            self._previous = signal.signal(signal.SIGINT, self._note)
            self._installed = True
        except ValueError:  # not the main thread: Ctrl-C interrupts at once
            pass
        return self

    def _note(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]
