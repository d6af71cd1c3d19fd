"""`import FILE.xlsx... [--dry-run]` / `import --undo BATCH`: preview and apply returned workbooks.

Each file is previewed (changes, conflicts, refusals, unchanged count), then applied
atomically unless --dry-run. Conflicts (including a blank cell over a value) are listed and
left unapplied and open: `conflicts` lists them, `resolve` settles them (or the window's
回収状況). A value that breaks its field's rule (「38名」 in 実績値) is an open item of its
file: the rest of the file is applied, the item is listed (`要修正  No.1 R5 実績値 「38名」:
reason`), left as the database has it and kept open for `resolve ID --value`. Exit code: 1
when any file was refused (one line per bad file on stderr, no traceback), else 3 when
conflicts or open items were left unapplied (with --dry-run: would be), else 0. Each file is judged and applied on its own: a file that cannot be read
(even by an unexpected error) is reported and the others still go through. Output never
decides what is applied (see Output). `--undo BATCH` undoes an applied import as a whole (the batch number is
printed when it is applied, `#3` as printed or `3`); refused, exit 1, when later changes touched
the same fields.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.display import format_value

if TYPE_CHECKING:  # the services load when a command runs: `--help` and the others stay quick
    from ..services.exchange import FilePreview
    from ..services.exchange.run import FileOutcome

MAX_SHOWN = 60


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="返送された共有ブックを取り込みます")
    p.add_argument("files", type=Path, nargs="*", metavar="FILE.xlsx", help="取り込むファイル")
    p.add_argument("--dry-run", action="store_true", help="確認だけして何も反映しない")
    p.add_argument(
        "--undo",
        type=batch_number,
        metavar="BATCH",
        help="取込（変更 #BATCH。status や履歴の表示どおり #3 とも書けます）を丸ごと元に戻す",
    )
    p.set_defaults(func=run, parser=p)


def batch_number(text: str) -> int:
    """'#3', '＃3' or '3' -> 3: the batch as `status`, the history and the import print it."""
    digits = text.strip().lstrip("#＃").strip()
    if not digits.isascii() or not digits.isdigit():
        raise argparse.ArgumentTypeError(f"変更の番号は #3 や 3 のように指定してください: {text}")
    return int(digits)


def show(value: object, field: str = "", names: dict[str, str] | None = None) -> str:
    # format_value words the value as the window does: an unset status is 未確定, not blank
    text = format_value(field, value, node_names=names).replace("\n", "⏎")
    if not text:
        return "（空欄）"
    return f"「{text[:MAX_SHOWN]}{'…' if len(text) > MAX_SHOWN else ''}」"


class Output:
    """Standard output that never decides what is applied.

    `| head -1` closes the pipe early; a print then raises BrokenPipeError. Lines after
    that are dropped (stdout is pointed at the null device) and the run goes on; `finish()`
    raises BrokenPipeError only after every file was judged and applied, so main() exits
    141 quietly with the work done.
    """

    def __init__(self) -> None:
        self.broken = False

    def __call__(self, text: str) -> None:
        if self.broken:
            return
        try:
            print(text)
        except BrokenPipeError:
            self._lost()

    def _lost(self) -> None:
        self.broken = True
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    def finish(self) -> None:
        if not self.broken:
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                self._lost()
        if self.broken:
            raise BrokenPipeError


def print_preview(pv: FilePreview, out=print) -> None:
    for what, old, new in pv.additions():
        out(f"  反映  {what}: {show(old)} → {show(new)}")
    for fm in pv.changes:
        old, new = show(fm.master, fm.field, pv.node_names), show(fm.file, fm.field, pv.node_names)
        out(f"  反映  {pv.describe(fm)}: {old} → {new}")
    for fm in pv.conflicts:
        kind = fm.decision.kind
        out(
            f"  {kind}  {pv.describe(fm)}: 現在 {show(fm.master, fm.field)} / ファイル "
            f"{show(fm.file, fm.field)}（配布時 {show(fm.base, fm.field)}）"
        )
    for item in pv.open_items:
        out(f"  要修正  {pv.describe_item(item)} {show(item.written)}: {item.message}")
    for r in pv.refusals:
        out(f"  取込不可  {r.message}")
    for note in pv.notes:
        out(f"  注意  {note}")


def report(outcome: FileOutcome, dry_run: bool, out: Output) -> None:
    from ..services.exchange.run import FAILED, REFUSED, REVIEW

    """One file's lines, printed after it was applied: applying never waits on output."""
    pv = outcome.preview
    if outcome.state in (REFUSED, FAILED, REVIEW):
        sys.stderr.write(f"kanazawa-desktop: 取り込めません: {outcome.error}\n")
        if pv is not None and outcome.state != FAILED:
            print_preview(pv, out)
        return
    assert pv is not None
    out(("[確認のみ] " if dry_run else "") + pv.summary())
    print_preview(pv, out)
    if outcome.result is not None:
        out("  " + outcome.result.summary())


def run(args: argparse.Namespace, db_path: Path) -> int:
    from ..services.desk import Desk
    from ..services.exchange import undo_import
    from ..services.exchange.run import FAILED, REFUSED, REVIEW, ToApply, apply_files

    out = Output()
    if args.undo is not None:
        if args.files:
            args.parser.error("--undo とファイルは同時に指定できません")
        with Desk.open(db_path, create=False) as desk:
            changes = undo_import(desk, args.undo)
        out(f"取込（変更 #{args.undo}）を元に戻しました（{len(changes)}件）")
        out.finish()
        return 0
    if not args.files:
        args.parser.error("取り込むファイルを指定してください")
    with Desk.open(db_path, create=False) as desk:
        # each file is previewed just before it is applied, and is its own unit of failure
        outcomes = apply_files(
            desk,
            [ToApply(Path(p)) for p in args.files],
            dry_run=args.dry_run,
            on_file=lambda o: report(o, args.dry_run, out),
        )
    out.finish()
    if any(o.state in (REFUSED, FAILED, REVIEW) for o in outcomes):
        return 1
    return 3 if any(o.open_conflicts for o in outcomes) else 0
