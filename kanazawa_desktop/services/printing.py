"""Printing use case: choose measures, render their 取組管理票 (and/or the 一覧) into one PDF.

    result = print_pdf(desk, "out.pdf", department="人事課", listing=True, progress=p)

Selection: every measure (retired ones left out), or the ones given by id or by 取組No.;
narrowed by a department (a joint measure belongs to each of its departments) and/or a
方針 number. Bad input raises InvalidValue with a Japanese sentence and writes nothing.

The file is written atomically: rendered to a temporary file beside the target (domain.
staging: the user's umask, a killed run's swept by the next print there), then moved into
place with os.replace. A target that is a folder or a database is refused first
(services.targets). Progress is reported per page; Cancelled (between pages) removes the
temporary file, so a cancelled or failed run leaves no file behind.

`build_job` chooses the measures from the light rows (GUI thread); `write_job` renders,
reading the complete measures a batch at a time through the job's `fetch` (its own
connection when it runs on another thread), so the window can run it off the GUI thread
and memory stays bounded whatever the number of measures.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.errors import InvalidValue
from ..domain.indicator import number_text
from ..domain.model import Measure, MeasureRow
from ..files import staging
from ..printing.job import GoalLine, GoalYear, PrintJob
from ..store import repository as repo
from .plan_indicators import plan_indicators
from .progress import Progress, step
from .targets import check_target, output_error

if TYPE_CHECKING:
    from ..printing.document import PagedDevice  # the type only: Qt loads with printing/
    from ..printing.preview import PreviewPage
    from .desk import Desk


@dataclass(frozen=True)
class PrintResult:
    path: Path
    pages: int
    measures: int


def data_version(desk: Desk) -> str:
    """'#12（2026-11-23 09:40）' from the newest change batch, or '初期状態'."""
    latest = repo.latest_batch()
    if latest is None:
        return "初期状態"
    batch_id, at = latest
    return f"#{batch_id}（{at[:16].replace('T', ' ')}）"


def select_measures(
    desk: Desk,
    *,
    measure_ids: Iterable[int] | None = None,
    numbers: Iterable[int] | None = None,
    department: str | None = None,
    policy: int | None = None,
) -> list[MeasureRow]:
    """The measures to print, in printed order (see the module docstring)."""
    everything = desk.rows(all_departments=True)
    ids = list(measure_ids or [])
    nums = list(numbers or [])
    if ids or nums:
        by_number = {
            m.number: m for m in everything if m.number is not None and m.repeat_of is None
        }
        unknown = [n for n in nums if n not in by_number]
        if unknown:
            top = max(by_number) if by_number else 0
            raise InvalidValue(
                f"取組No.{unknown[0]} はありません（No.1〜No.{top}）", number=unknown[0]
            )
        known_ids = {m.id for m in everything}
        missing = [i for i in ids if i not in known_ids]
        if missing:
            raise InvalidValue(f"取組（id {missing[0]}）が見つかりません", measure_id=missing[0])
        wanted = set(ids) | {by_number[n].id for n in nums}
        chosen = [m for m in everything if m.id in wanted]
    else:
        chosen = [m for m in everything if not m.retired]
    if department is not None:
        known = desk.departments()
        if department not in known:
            raise InvalidValue(
                f"担当課「{department}」はありません。次のいずれかを指定してください: "
                + "、".join(known),
                department=department,
            )
        chosen = [m for m in chosen if department in m.departments]
    if policy is not None:
        node = next((n for n in desk.nodes() if n.level == 1 and n.key == str(policy)), None)
        if node is None:
            count = sum(1 for n in desk.nodes() if n.level == 1)
            raise InvalidValue(f"方針{policy} はありません（方針1〜方針{count}）", policy=policy)
        under = _descendants(desk, node.id)
        chosen = [m for m in chosen if m.node_id in under]
    if not chosen:
        raise InvalidValue("条件に合う取組がありません")
    return chosen


def _descendants(desk: Desk, node_id: int) -> set[int]:
    nodes = desk.nodes()
    out = {node_id}
    grew = True
    while grew:
        grew = False
        for n in nodes:
            if n.parent_id in out and n.id not in out:
                out.add(n.id)
                grew = True
    return out


def build_job(
    desk: Desk,
    *,
    measure_ids: Iterable[int] | None = None,
    numbers: Iterable[int] | None = None,
    department: str | None = None,
    policy: int | None = None,
    sheets: bool = True,
    listing: bool = False,
    printed_on: date | None = None,
    batch_size: int = 200,
) -> PrintJob:
    """Choose the measures and read what every page shares; no rendering.

    The measures' texts are read while rendering, `batch_size` measures at a time."""
    if not sheets and not listing:
        raise InvalidValue("取組管理票か取組事項一覧のどちらかを選んでください")
    chosen = select_measures(
        desk, measure_ids=measure_ids, numbers=numbers, department=department, policy=policy
    )
    everything = desk.rows(all_departments=True)
    # a 【再掲】 row names the measure it repeats by that measure's number (repeat_of)
    labels = {
        m.number: m.number_label for m in everything if m.repeat_of is None and m.number is not None
    }
    return PrintJob(
        plan=desk.plan,
        nodes=desk.nodes(),
        measure_ids=[m.id for m in chosen],
        fetch=_reader(desk),
        sheets=sheets,
        listing=listing,
        printed_on=printed_on or date.today(),
        version=data_version(desk),
        repeat_labels=labels,
        batch_size=batch_size,
        # the plan's own 数値目標 follow the whole plan's 一覧 (no department holds them)
        goals=goal_lines(desk) if listing and department is None and policy is None else (),
    )


def goal_lines(desk: Desk) -> list[GoalLine]:
    """The plan's own 数値目標 as the printed page shows them (printing/goals.py)."""
    out = []
    for group in plan_indicators(desk):
        heading = f"{group.owner}　{group.title}".strip()
        for item in group.items:
            ind = item.indicator
            years = tuple(
                GoalYear(
                    ind.target_text(fy),
                    f"{number_text(a)}{ind.unit}"
                    if (a := item.actuals.get(fy)) is not None
                    else "",
                    item.judgement(fy).label,
                )
                for fy in desk.plan.years
            )
            name = f"{ind.name}（{ind.unit}）" if ind.unit else ind.name
            out.append(GoalLine(heading, name, ind.baseline.describe(ind.unit), years))
    return out


def _reader(desk: Desk) -> Callable[[Sequence[int]], list[Measure]]:
    """`fetch` for a job: complete measures of a batch of ids, from any thread.

    peewee gives each thread its own connection: a thread that has none (the window's
    print task) opens one for the batch and closes it again, so none is left behind."""
    db = desk.db

    def fetch(ids: Sequence[int]) -> list[Measure]:
        opened = db.is_closed()
        if opened:
            db.connect()
        try:
            return repo.measures_by_ids(list(ids))
        finally:
            if opened:
                db.close()

    return fetch


def write_job(
    job: PrintJob, out_path: Path | str, *, progress: Progress | None = None
) -> PrintResult:
    """Render `job` to `out_path` atomically; reads the measures only through `job.fetch`,
    which opens its own connection on another thread (safe off the GUI thread)."""
    from ..printing.pdf import write_pdf  # Qt is loaded only when something is printed

    out = check_target(Path(out_path))
    staging.sweep(out.parent)
    try:
        tmp = staging.create_beside(out)
    except OSError as exc:
        raise output_error(out, exc) from exc

    def on_page(done: int, total: int, text: str) -> None:
        step(progress, done, total, f"印刷中 {min(done + 1, total)}/{total} {text}".rstrip())

    def on_count(done: int, total: int, _text: str) -> None:
        step(progress, done, total, f"ページ数を確認中 {done + 1}/{total}")

    try:
        pages = write_pdf(job, tmp, on_page, on_count)
        step(progress, pages, pages, "保存中")
        try:
            os.replace(tmp, out)
        except OSError as exc:
            raise output_error(out, exc) from exc
    except OSError as exc:
        staging.discard(tmp)
        raise output_error(out, exc) from exc
    except BaseException:
        staging.discard(tmp)
        raise
    return PrintResult(out, pages, len(job.measure_ids))


def prepare_fonts() -> None:
    """Load the bundled font; the window calls this on the GUI thread before printing."""
    from ..printing.fonts import ensure_font

    ensure_font()


def render_to(device: PagedDevice, job: PrintJob) -> int:
    """Paint `job` on a paged device (the print preview's or a real printer's QPrinter)."""
    from ..printing.document import render

    render(device, job, exact=True)  # a printer cannot start again: count pages exactly
    return len(job.measure_ids)


def preview_job(job: PrintJob, *, progress: Progress | None = None) -> list[PreviewPage]:
    """The print preview's pages (printing.preview.PreviewPage: an image each, in its own
    orientation); reads the measures through `job.fetch`, so it may run off the GUI thread."""
    from ..printing.preview import preview_pages

    def on_page(done: int, total: int, text: str) -> None:
        step(progress, done, total, f"プレビューを作成中 {min(done + 1, total)}/{total}")

    def on_count(done: int, total: int, _text: str) -> None:
        step(progress, done, total, f"ページ数を確認中 {done + 1}/{total}")

    return preview_pages(job, on_page=on_page, on_count=on_count)


def print_pdf(
    desk: Desk,
    out_path: Path | str,
    *,
    measure_ids: Iterable[int] | None = None,
    numbers: Iterable[int] | None = None,
    department: str | None = None,
    policy: int | None = None,
    sheets: bool = True,
    listing: bool = False,
    progress: Progress | None = None,
) -> PrintResult:
    """Select, render and write in one call (the command line's use case)."""
    job = build_job(
        desk,
        measure_ids=measure_ids,
        numbers=numbers,
        department=department,
        policy=policy,
        sheets=sheets,
        listing=listing,
    )
    return write_job(job, out_path, progress=progress)
