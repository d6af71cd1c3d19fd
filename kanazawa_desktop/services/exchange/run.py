"""Apply a set of returned workbooks, one file at a time: the one policy for the window's
import dialog and the `import` command.

`apply_files(desk, files, *, dry_run=False, progress=None, on_file=None) -> list[FileOutcome]`

`files` are `ToApply(path, preview=None, resolutions={})`. Per file, in order:

* the file is previewed just before it is applied (unless the caller passes the preview the
  person has seen), so a file that follows one touching the same fields — two departments'
  returns of a joint measure, the same file twice — is merged with what that one wrote;
* a refused file is reported and skipped; a dry run only previews; content already imported
  applies nothing;
* a preview that went stale meanwhile (StalePreview) is previewed again and applied when it
  brings no conflict the person has not seen; otherwise the new preview is returned for review
  (`FileOutcome.review`);
* each file is its own transaction, and its own unit of failure: a DeskError refuses that file,
  any other exception is reported as unexpected for that file, and the run goes on;
* `progress` is stepped between files (中止 stops there: files done stay done, and the outcomes
  say which); `on_file(outcome)` is called as each file is settled (the command prints then).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...domain.errors import DeskError, StalePreview
from ...domain.model import Measure
from ...store import exchange_repo as xrepo
from ..desk import Desk
from ..progress import Cancelled, Progress, step
from .apply import ApplyResult, apply_import
from .preview import FilePreview, preview_import

APPLIED, ALREADY, PREVIEWED, REFUSED, FAILED, REVIEW = (
    "applied",
    "already",
    "previewed",
    "refused",
    "failed",
    "review",
)


@dataclass(frozen=True)
class ToApply:
    path: Path
    preview: FilePreview | None = None  # the preview the person saw (window); None: preview now
    # (measure key, fy, field) -> TAKE_FILE/MASTER
    resolutions: dict[tuple[str, int, str], str] = field(default_factory=dict)
    # (measure key, fy, field) -> the text typed to correct that open item (a bad value)
    corrections: dict[tuple[str, int, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class FileOutcome:
    path: Path
    state: str  # one of the constants above
    preview: FilePreview | None = None  # what was (or, for REVIEW, must now be) looked at
    result: ApplyResult | None = None
    error: str = ""  # Japanese sentence for REFUSED / FAILED / REVIEW

    @property
    def open_conflicts(self) -> bool:
        """Conflicts or open items (bad values) left open: the command's exit 3."""
        if self.result is not None:
            return bool(self.result.open_conflicts or self.result.open_items)
        pv = self.preview
        return self.state == PREVIEWED and pv is not None and bool(pv.conflicts or pv.open_items)


def _unexpected(path: Path, exc: Exception) -> str:
    return f"{path.name}: 予期しないエラーのため取り込めませんでした（{type(exc).__name__}）"


class _Measures:
    """The measures a merge compares, read once for the whole run and refreshed only where an
    applied file changed them (reading all of them per file cost 0.2 s a file at 2,000)."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.by_key = self._read(None)

    def _read(self, ids: list[int] | None) -> dict[str, Measure]:
        return {m.key: m for m in xrepo.measures_for_merge(self.desk.plan.id, ids)}

    def after(self, result: ApplyResult) -> None:
        if result.added:
            self.by_key = self._read(None)  # a master workbook added measures: read them all
            return
        ids = sorted({c.measure_id for c in result.applied if c.of_measure})
        for i in range(0, len(ids), 500):
            self.by_key.update(self._read(ids[i : i + 500]))


def _one(desk: Desk, item: ToApply, dry_run: bool, measures: _Measures) -> FileOutcome:
    outcome = _judge(desk, item, dry_run, measures.by_key)
    if outcome.result is not None:
        measures.after(outcome.result)
    return outcome


def _judge(desk: Desk, item: ToApply, dry_run: bool, by_key: dict[str, Measure]) -> FileOutcome:
    pv = (
        item.preview
        if item.preview is not None
        else preview_import(desk, [item.path], by_key=by_key)[0]
    )
    if pv.refused:
        return FileOutcome(item.path, REFUSED, pv, error=pv.summary())
    if dry_run:
        return FileOutcome(item.path, PREVIEWED, pv)
    if pv.already is not None:
        return FileOutcome(item.path, ALREADY, pv)
    try:
        return FileOutcome(
            item.path, APPLIED, pv, apply_import(desk, pv, item.resolutions, item.corrections)
        )
    except StalePreview:
        # the data moved under the preview (another program, another window): read it all again
        by_key.clear()
        by_key.update({m.key: m for m in xrepo.measures_for_merge(desk.plan.id)})
        fresh = preview_import(desk, [item.path], by_key=by_key)[0]
        seen = {c.key for c in pv.conflicts}
        unseen = [c for c in fresh.conflicts if c.key not in seen]
        if fresh.refused:
            return FileOutcome(item.path, REFUSED, fresh, error=fresh.summary())
        if unseen:
            return FileOutcome(
                item.path,
                REVIEW,
                fresh,
                error=(
                    f"{pv.name}: 先に反映したファイルと同じ項目があり、新たな競合 {len(unseen)}件が見つかりました。"
                    "内容を確認して、もう一度「反映」してください"
                ),
            )
        return FileOutcome(
            item.path, APPLIED, fresh, apply_import(desk, fresh, item.resolutions, item.corrections)
        )


def apply_files(
    desk: Desk,
    files: list[ToApply],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    outcomes: list[FileOutcome] = []
    measures = _Measures(desk)
    for i, item in enumerate(files):
        try:
            step(
                progress,
                i,
                len(files),
                f"{item.path.name} を{'確認' if dry_run else '反映'}中…（{i + 1}/{len(files)}）",
            )
        except Cancelled:
            break  # between files: those done stay done, and the outcomes say which
        try:
            outcome = _one(desk, item, dry_run, measures)
        except DeskError as exc:
            outcome = FileOutcome(
                item.path, FAILED, item.preview, error=f"{item.path.name}: {exc.message}"
            )
        except Exception as exc:  # noqa: BLE001 - one broken file must not end the run
            outcome = FileOutcome(
                item.path, FAILED, item.preview, error=_unexpected(item.path, exc)
            )
        outcomes.append(outcome)
        if on_file is not None:
            on_file(outcome)
    return outcomes
