"""Temporary files beside a target (a workbook, a PDF, a backup), written then renamed.

Contract:

* `create_beside(target)` creates an empty file next to `target` named
  `.<first 40 characters of the target's name>.<host>-<pid>-<random>.kdtmp`, with mode
  0o666 filtered by the user's umask (the kernel applies the umask, as for any file the
  person saves; `tempfile.mkstemp` would make it 0600 and a shared PDF unreadable to
  colleagues). The caller writes it and `os.replace`s it over the target.
* `sweep(folder)` removes, in that folder only, files of this pattern (and SQLite's
  `-journal`/`-wal`/`-shm` beside them) made on this machine by a process that no longer
  runs. Every export, print and backup sweeps its folder before writing, so what a killed
  run left behind goes away the next time someone writes there. A live process's
  temporaries (another export in progress) and another machine's (a shared folder) are
  left alone. A reused pid only delays the removal until that process ends.
* `discard(tmp)` removes a temporary and its SQLite companions, ignoring missing files.

stdlib only, below store/, workbook/ and services/, which all write files through it.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import sys
import zlib
from pathlib import Path

SUFFIX = ".kdtmp"
_COMPANIONS = ("-journal", "-wal", "-shm")
_NAME = re.compile(r"^\..*\.([0-9a-f]{8})-(\d+)-[0-9a-f]+\.kdtmp(?:-journal|-wal|-shm)?$", re.S)


def _host() -> str:
    return f"{zlib.crc32(socket.gethostname().encode('utf-8', 'replace')):08x}"


def create_beside(target: Path) -> Path:
    """A new empty temporary file beside `target` (see the module docstring); OSError as is."""
    target = Path(target)
    stem = target.name[:40]
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = target.with_name(f".{stem}.{_host()}-{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}")
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
        os.close(fd)
        return tmp


def discard(tmp: Path) -> None:
    for p in (Path(tmp), *(Path(str(tmp) + c) for c in _COMPANIONS)):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - os.kill(pid, 0) would terminate it there
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(folder: Path) -> int:
    """Remove this machine's stale temporaries in `folder`; returns how many. Never raises."""
    removed = 0
    host = _host()
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        m = _NAME.match(name)
        if m is None or m.group(1) != host or pid_alive(int(m.group(2))):
            continue
        try:
            os.unlink(os.path.join(folder, name))
            removed += 1
        except OSError:
            pass
    return removed
