"""Progress and cancellation for long work (import, export, print), with no Qt.

A long service function takes `progress: Progress | None`; it calls `progress.step(done,
total, text)` between units of work, which raises Cancelled once cancel() was called, so
the work stops between units and its transaction rolls back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..domain.errors import Cancelled as Cancelled  # defined with every error class


class Progress:
    def __init__(self, callback: Callable[[int, int, str], None] | None = None) -> None:
        self._callback = callback
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def step(self, done: int, total: int, text: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
        if self._callback is not None:
            self._callback(done, total, text)


def step(progress: Progress | None, done: int, total: int, text: str = "") -> None:
    """`progress.step(...)` that tolerates no progress object."""
    if progress is not None:
        progress.step(done, total, text)
