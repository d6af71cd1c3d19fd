"""Where an export, a print or a backup may write: one check and one wording for every target.

`check_target(out)` refuses, before anything is written, a target that is a folder, lies
in a folder that does not exist, or is a SQLite file — the open database, its -wal/-shm/
-journal, or any other database (symlinks and relative paths resolved; the file's header
decides, not its name). `output_error(out, exc)` turns the OSError of writing a target into
one Japanese sentence. Both raise/return OutputError.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..domain.errors import OutputError
from ..store.connection import is_sqlite_file


def check_target(out: Path, *, backup_of: Path | None = None) -> Path:
    """`out` as a Path, or OutputError if it must not or cannot be written (nothing written).

    With `backup_of` (a backup of that database) another database may be replaced (an older
    backup of the same name), but never `backup_of` itself or its -wal/-shm/-journal.
    """
    out = Path(out)
    try:
        if out.is_dir():
            raise OutputError(
                f"出力先がフォルダーです。ファイル名を指定してください: {out}", path=str(out)
            )
        if not out.resolve().parent.is_dir():
            raise OutputError(f"出力先のフォルダーがありません: {out.parent}", path=str(out))
        if len(os.fsencode(out.name)) > _name_max(out.resolve().parent):
            raise OutputError(
                f"ファイル名が長すぎます。短い名前を指定してください: {out.name[:40]}…",
                path=str(out),
            )
        if backup_of is not None:
            real, db = Path(os.path.realpath(out)), Path(os.path.realpath(backup_of))
            if real == db or real.parent == db.parent and real.name in _companions(db.name):
                raise OutputError(
                    "開いているデータベースそのものには保存できません。別の名前を指定してください: "
                    f"{out}",
                    path=str(out),
                )
        elif is_sqlite_file(out):
            raise OutputError(
                f"出力先はデータベースファイルです。上書きできないので別の名前を指定してください: {out}",
                path=str(out),
            )
    except OSError as exc:
        raise output_error(out, exc) from exc
    return out


def _name_max(folder: Path) -> int:
    """The longest file name (bytes) the folder's file system takes; checked up front, so a
    print job never starts (and loads Qt) for a file it cannot create."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _companions(name: str) -> set[str]:
    return {name + s for s in ("-wal", "-shm", "-journal")}


def output_error(out: Path, exc: OSError) -> OutputError:
    """One Japanese sentence for an OSError met while writing `out`."""
    name = str(out) if len(str(out)) <= 120 else str(out)[:120] + "…"
    code = exc.errno
    if code in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)):
        text = f"ディスクの空き容量が不足しているため保存できません: {name}"
    elif code == errno.ENAMETOOLONG:
        text = f"ファイル名が長すぎるため保存できません。短い名前を指定してください: {name}"
    elif code == errno.EROFS:
        text = f"読み取り専用の場所には保存できません: {name}"
    elif code in (errno.EACCES, errno.EPERM):
        text = (
            f"保存先に書き込む権限がありません（ほかのアプリで開いていれば閉じてください）: {name}"
        )
    elif code == errno.EISDIR:
        text = f"出力先がフォルダーです。ファイル名を指定してください: {name}"
    elif code in (errno.ENOENT, errno.ENOTDIR):
        text = f"出力先のフォルダーがありません: {name}"
    else:
        text = f"保存できません: {name}（{exc.strerror or type(exc).__name__}）"
    return OutputError(text, path=str(out), errno=code)
