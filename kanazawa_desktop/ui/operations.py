"""One way for the window to run an operation (Anki's CollectionOp → operation_did_execute).

    value = run_op(window, lambda desk: desk.add_measure(...))             # quick: on the GUI thread
    run_background_op(window, "取込の反映中…", lambda desk, progress: ..., on_done)  # long: off it

The operation is a services call on the window's Desk. Afterwards — done or refused — the
window broadcasts what the desk says changed (`MainWindow.broadcast`, with `handler`, the view
that made the change and needs no refresh), and a refusal (DeskError) is shown one way, in the
status bar and a message box. Long operations run through ui.tasks (progress, cancel).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..domain.errors import DeskError
from ..services.progress import Progress
from .tasks import Task, run_task

T = TypeVar("T")


def run_op(window, op: Callable[[object], T], *, handler: object = None) -> T | None:
    """Run `op(desk)` now; None when it was refused (the reason is shown)."""
    try:
        return op(window.desk)
    except DeskError as exc:
        window.show_error(exc.message)
        return None
    finally:
        window.broadcast(handler)


def run_background_op(
    window,
    title: str,
    op: Callable[[object, Progress], T],
    on_done: Callable[[T], None] | None = None,
    *,
    parent=None,
    on_error: Callable[[DeskError], None] | None = None,
) -> Task:
    """Run `op(desk, progress)` in a worker behind a progress dialog that can cancel."""

    def done(result: T) -> None:
        window.broadcast()
        if on_done is not None:
            on_done(result)

    def failed(exc: DeskError) -> None:
        window.broadcast()  # a cancelled or refused run may still have done part of its work
        if on_error is not None:
            on_error(exc)
        else:
            window.show_error(exc.message)

    return run_task(
        parent or window, title, lambda progress: op(window.desk, progress), done, failed
    )
