"""回収状況: per department, when its workbook was issued, when a return was imported, and
what is still in conflict.

Built from the exchange logs: the latest department-scope export or master workbook
(department PCs sync from the master), the latest import of
that department's workbook that still stands (not undone), and the conflicts that import
left open and nobody has settled since (conflicts.py). A later import of the same department
replaces the open list, since it was previewed against the then-current master. An open item
(a value of the return that broke its field's rule, kind 'invalid') is counted with the
conflicts: a department with one is 競合あり, not 回収済, until it is settled.

回収期限: a department's deadline is the one of the latest workbook issued to it (its own, or
the master list) that set one; it is overdue (期限切れ) while that day has passed and no return
was imported since that workbook went out (domain/deadline.py, against `today`, which a
caller may give; the rule never reads the clock). The departments still to chase are those
未回収 or overdue (`to_chase`: the reminder list, reminders.py).

Per plan: a workbook carries one plan, and each export and import is logged with it (schema
version 7; a row logged before is the first plan's). `all_plans_status` walks every plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ...domain.deadline import as_date, is_overdue
from ...domain.model import Plan
from ...store import conflict_repo
from ...store import exchange_repo as xrepo
from ...store.conflict_repo import ConflictRecord
from ..desk import PLAN_CODE, Desk


@dataclass(frozen=True)
class DepartmentStatus:
    department: str
    issued_at: str | None = None
    returned_at: str | None = None
    returned_file: str = ""
    imports: int = 0
    open_conflicts: list[ConflictRecord] = field(default_factory=list)
    returned_batch: int | None = None  # the batch of the import that stands (undo_import)
    deadline: str | None = None  # 回収期限 (ISO date) of the latest issue that set one
    overdue: bool = False  # 期限切れ on the `today` the status was made for

    @property
    def state(self) -> str:
        if self.returned_at is None:
            return "未回収" if self.issued_at else "未配布"
        if self.open_conflicts:
            return "競合あり"
        return "回収済"

    @property
    def to_chase(self) -> bool:
        """Still to chase for a reminder: nothing returned yet, or overdue."""
        return self.overdue or self.state == "未回収"

    @property
    def chase_state(self) -> str:
        """期限切れ when overdue, else the state."""
        return "期限切れ" if self.overdue else self.state


def _of_plan(code: str | None, plan: str) -> bool:
    return (code or PLAN_CODE) == plan


def collection_status(desk: Desk, today: date | None = None) -> list[DepartmentStatus]:
    """The desk's plan: each department holding one of its items. `today` (default: the
    computer's date) decides which deadlines have passed."""
    today = today or date.today()
    plan = desk.plan.code
    held = desk.held_departments()
    issued: dict[str, str] = {}
    master_issued: str | None = None  # a master workbook goes to every department PC too
    # (deadline, when issued) of the latest export that set one: per department, the master's
    dated: dict[str, tuple[str, str]] = {}
    master_dated: tuple[str, str] | None = None
    for e in xrepo.exports():
        if not _of_plan(e.plan_code, plan):
            continue
        if e.department:
            issued[e.department] = e.at
            if e.deadline:
                dated[e.department] = (e.deadline, e.at)
        elif e.scope == "master":
            master_issued = e.at
            if e.deadline:
                master_dated = (e.deadline, e.at)
    returned: dict[str, xrepo.ImportRecord] = {}
    counts: dict[str, int] = {}
    for r in xrepo.imports():
        if r.department and not r.undone and _of_plan(r.plan_code, plan):
            returned[r.department] = r
            counts[r.department] = counts.get(r.department, 0) + 1
    still_open: dict[int, list[ConflictRecord]] = {}
    for c in conflict_repo.open_conflicts(PLAN_CODE, plan):
        still_open.setdefault(c.import_id, []).append(c)
    out: list[DepartmentStatus] = []
    for dept in desk.departments():
        if dept not in held:
            continue
        last = returned.get(dept)
        when = max((t for t in (issued.get(dept), master_issued) if t), default=None)
        rounds = [r for r in (dated.get(dept), master_dated) if r]
        deadline, set_at = max(rounds, key=lambda r: r[1]) if rounds else (None, None)
        returned_at = last.at if last else None
        out.append(
            DepartmentStatus(
                department=dept,
                issued_at=when,
                returned_at=returned_at,
                returned_file=last.file_name if last else "",
                imports=counts.get(dept, 0),
                open_conflicts=still_open.get(last.id, []) if last else [],
                returned_batch=last.batch_id if last else None,
                deadline=deadline,
                overdue=is_overdue(deadline, set_at, returned_at, today),
            )
        )
    return out


def all_plans_status(
    desk: Desk, today: date | None = None
) -> list[tuple[Plan, list[DepartmentStatus]]]:
    """回収状況 across plans: each plan with its departments (a plan no department holds an item
    of yet has none)."""
    out = []
    for plan in desk.plans():
        with desk.on_plan(plan.code):
            out.append((plan, collection_status(desk, today)))
    return out


def last_deadline(desk: Desk) -> date | None:
    """The 回収期限 the secretariat set last for the desk's plan (the export dialog offers it
    again); None when none was ever set."""
    plan = desk.plan.code
    for e in reversed(xrepo.exports()):
        if e.deadline and _of_plan(e.plan_code, plan):
            return as_date(e.deadline)
    return None
