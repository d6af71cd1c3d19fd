"""A whole plan to and from a workbook (workbook.plan_layout; docs/workbook.md 「計画の書式」).

`export_plan(desk, plan_key, out)` writes any plan of the database (its current definition:
store.plan_dump) atomically. `import_plan(desk, path, key=None, dry_run=False)` reads a plan
workbook, checks every row (workbook.plan_reader) and the key (`key` replaces the file's
計画キー; a key the database already has is refused, naming the plan that has it), then, unless
a dry run, loads it in one transaction with one batch in the history (who, when, which file;
every new item recorded as created). Only the secretariat's database imports a plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.changes import Changes
from ..domain.errors import InvalidValue, PermissionDenied
from ..domain.fiscal import short_label
from ..domain.plans import find_plan
from ..store import repository as repo
from ..store.connection import write_transaction
from ..store.plan_dump import dump_plan
from ..store.plan_loader import load_plan
from ..workbook.plan_layout import PlanData, write_plan
from ..workbook.plan_reader import read_plan
from .targets import check_target, output_error

if TYPE_CHECKING:
    from .desk import Desk

_KEY = re.compile(r"^[^\s]{1,60}$")


@dataclass(frozen=True)
class PlanSummary:
    """What a plan workbook holds, for the question asked before importing it."""

    code: str
    name: str
    period: str  # R9–R12
    levels: tuple[str, ...]
    item: str
    nodes: int
    items: int  # 【再掲】 rows included
    indicators: int
    departments: int

    def describe(self) -> str:
        return (
            f"計画「{self.name}」（キー {self.code}、{self.period}、階層 "
            f"{'/'.join((*self.levels, self.item))}）: 体系 {self.nodes}件、{self.item} "
            f"{self.items}件、指標 {self.indicators}件、担当課 {self.departments}課"
        )


@dataclass(frozen=True)
class PlanImportResult:
    summary: PlanSummary
    plan_id: int | None  # None for a dry run
    batch_id: int | None


def summarize(data: PlanData) -> PlanSummary:
    p = data["plan"]
    return PlanSummary(
        code=p["code"],
        name=p["name"],
        period=f"{short_label(p['first_fy'])}–{short_label(p['last_fy'])}",
        levels=tuple(p["levels"]),
        item=p.get("item", "取組"),
        nodes=len(data["nodes"]),
        items=len(data["measures"]),
        indicators=len(data.get("node_indicators") or [])
        + sum(len(m.get("indicators") or []) for m in data["measures"]),
        departments=len(data["departments"]),
    )


def export_plan(desk: Desk, plan_key: str, out: Path) -> Path:
    """Write the plan `plan_key` (its code or a unique part of its name) to `out`."""
    plan = find_plan(desk.plans(), plan_key)
    out = check_target(Path(out))
    data = dump_plan(plan.code)
    try:
        write_plan(data, out)
    except OSError as exc:
        raise output_error(out, exc) from exc
    return out


def _secretariat_only(desk: Desk) -> None:
    role = desk.role
    if role is None or not role.is_secretariat:
        raise PermissionDenied("計画を取り込めるのは事務局のデータベースだけです")


def read_plan_file(desk: Desk, path: Path, key: str | None = None) -> PlanData:
    """The plan of the workbook at `path`, checked and keyed, not yet loaded (a preview)."""
    _secretariat_only(desk)
    data = read_plan(Path(path))
    code = (key if key is not None else data["plan"]["code"]).strip()
    if not code:
        raise InvalidValue(
            f"{Path(path).name}: 計画キーがありません（「計画」シートの計画キーか --key で指定）"
        )
    if not _KEY.match(code):
        raise InvalidValue(f"計画キー「{code}」は空白を含まない60文字以内にしてください")
    _key_free(code)
    data["plan"]["code"] = code
    return data


def _key_free(code: str) -> None:
    have = repo.plan_by_code(code)
    if have is not None:
        raise InvalidValue(
            f"計画キー「{code}」はすでに計画「{have.name}」が使っています。別のキーを指定してください",
            key=code,
        )


def import_plan(
    desk: Desk, path: Path, key: str | None = None, *, dry_run: bool = False
) -> PlanImportResult:
    data = read_plan_file(desk, path, key)
    summary = summarize(data)
    if dry_run:
        return PlanImportResult(summary, None, None)
    return load_checked(desk, data, Path(path).name)


def load_checked(desk: Desk, data: PlanData, file_name: str) -> PlanImportResult:
    """Load a plan dict read_plan_file returned, as one transaction and one batch."""
    _secretariat_only(desk)
    summary = summarize(data)
    with write_transaction(desk.db):
        _key_free(summary.code)  # again, under the write lock: another writer may have been first
        try:
            plan_id = load_plan(desk.db, data)
        except ValueError as exc:  # the reader checks what the loader needs; a last guard
            raise InvalidValue(f"{file_name}: 計画を読み込めません（{exc}）") from None
        created = [(r.id, f"{r.key} {r.name}") for r in repo.measure_rows(plan_id)]
        batch = repo.apply_changes(
            desk.db,
            [],
            desk.actor,
            "import",
            f"計画を取り込み {summary.name}（{file_name}）",
            created=created,
        )
    desk.absorb(
        Changes(structure=True, plans=True, batches=frozenset({batch}) if batch else frozenset())
    )
    return PlanImportResult(summary, plan_id, batch)
