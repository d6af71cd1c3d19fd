"""Bounded reads from a child process's pipes: a child that stops talking fails the test
instead of blocking it (pytest-timeout is only the last resort)."""

from __future__ import annotations

import selectors
import time
from typing import IO


def readline(stream: IO, timeout: float = 60) -> str | bytes:
    """One line from a child's pipe, or AssertionError if none ends within `timeout` s.

    Reads byte by byte from the file descriptor once it is readable, so nothing stays in a
    Python buffer that select() cannot see."""
    import os

    fd = stream.fileno()
    deadline = time.monotonic() + timeout
    data = b""
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                raise AssertionError(f"no line from the child within {timeout} s (got {data!r})")
            chunk = os.read(fd, 1)
            if not chunk:
                break  # the child closed the pipe
            data += chunk
    return data.decode() if hasattr(stream, "encoding") else data


def read_all(stream: IO, timeout: float = 60) -> bytes:
    """Everything a child writes to a pipe until it closes it, within `timeout` s."""
    import os

    fd = stream.fileno()
    deadline = time.monotonic() + timeout
    data = b""
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                raise AssertionError(f"the child kept its pipe open for more than {timeout} s")
            chunk = os.read(fd, 65536)
            if not chunk:
                return data
            data += chunk
