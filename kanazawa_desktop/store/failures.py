"""Walking a failure back to its cause: both backends' wording (store/connection.py for a
file, store/pg_connection.py for a server) look through the same chain."""

from __future__ import annotations

from collections.abc import Iterator


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """exc, the exceptions it wraps (peewee passes the driver's one as args[0]) and their
    causes, each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [a for a in getattr(e, "args", ())[:1] if isinstance(a, BaseException)]
        todo += [e.__cause__, e.__context__]
