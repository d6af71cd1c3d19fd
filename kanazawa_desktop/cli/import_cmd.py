"""`import FILE.xlsx... [--dry-run]` / `import --undo BATCH`: preview and apply returned workbooks.

Each file is previewed (changes, conflicts, refusals, unchanged count), then applied
atomically unless --dry-run. Conflicts (including a blank cell over a value) are listed and
left unapplied; settle them in the window's import dialog. Exit code: 1 when any file was
refused (one line per bad file on stderr, no traceback), else 3 when conflicts were left
unapplied, else 0. `--undo BATCH` undoes an applied import as a whole (the batch number is
printed when it is applied); refused, exit 1, when later changes touched the same fields.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..domain.display import format_value
from ..domain.errors import DeskError
from ..services.desk import Desk
from ..services.exchange import FilePreview, apply_import, preview_import, undo_import

MAX_SHOWN = 60


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="返送された共有ブックを取り込みます")
    p.add_argument("files", type=Path, nargs="*", metavar="FILE.xlsx", help="取り込むファイル")
    p.add_argument("--dry-run", action="store_true", help="確認だけして何も反映しない")
    p.add_argument("--undo", type=int, metavar="BATCH", help="取込（変更 #BATCH）を丸ごと元に戻す")
    p.set_defaults(func=run, parser=p)


def show(value: object, field: str = "", names: dict[str, str] | None = None) -> str:
    if value is None or value == "":
        return "（空欄）"
    text = format_value(field, value, node_names=names).replace("\n", "⏎")
    return f"「{text[:MAX_SHOWN]}{'…' if len(text) > MAX_SHOWN else ''}」"


def print_preview(pv: FilePreview) -> None:
    for what, old, new in pv.additions():
        print(f"  反映  {what}: {show(old)} → {show(new)}")
    for fm in pv.changes:
        old, new = show(fm.master, fm.field, pv.node_names), show(fm.file, fm.field, pv.node_names)
        print(f"  反映  {pv.describe(fm)}: {old} → {new}")
    for fm in pv.conflicts:
        kind = "空欄" if fm.decision == "blank" else "競合"
        print(f"  {kind}  {pv.describe(fm)}: 現在 {show(fm.master, fm.field)} / ファイル "
              f"{show(fm.file, fm.field)}（配布時 {show(fm.base, fm.field)}）")
    for r in pv.refusals:
        print(f"  取込不可  {r.message}")
    for note in pv.notes:
        print(f"  注意  {note}")


def run(args: argparse.Namespace, db_path: Path) -> int:
    if args.undo is not None:
        if args.files:
            args.parser.error("--undo とファイルは同時に指定できません")
        with Desk.open(db_path) as desk:
            changes = undo_import(desk, args.undo)
        print(f"取込（変更 #{args.undo}）を元に戻しました（{len(changes)}件）")
        return 0
    if not args.files:
        args.parser.error("取り込むファイルを指定してください")
    refused = conflicts = False
    with Desk.open(db_path) as desk:
        # a dry run previews every file against the data as it is; a real run previews each
        # file just before applying it, so a file that follows one touching the same fields
        # (two departments' returns of a joint measure, the same file twice) is merged with
        # what that one wrote
        previews = (preview_import(desk, list(args.files)) if args.dry_run
                    else (preview_import(desk, [f])[0] for f in args.files))
        for pv in previews:
            if pv.refused:
                refused = True
                sys.stderr.write(f"kanazawa-desktop: 取り込めません: {pv.summary()}\n")
                print_preview(pv)
                continue
            print(("[確認のみ] " if args.dry_run else "") + pv.summary())
            print_preview(pv)
            conflicts = conflicts or (bool(pv.conflicts) and pv.already is None)
            if args.dry_run or pv.already is not None:
                continue
            try:
                result = apply_import(desk, pv)
            except DeskError as exc:
                refused = True
                sys.stderr.write(f"kanazawa-desktop: エラー: {exc.message}\n")
                continue
            print("  " + result.summary())
    if refused:
        return 1
    return 3 if conflicts else 0
