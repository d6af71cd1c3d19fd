"""Closed fiscal years (schema 11: fiscal_year_event): which years of a plan are closed, by whom
and when, and the record of every close and re-open.

A year is closed while its latest event says 'close'. `check_open` is what every change batch
runs inside its transaction (repository.apply_changes): a change of a closed year's value is
refused with the reason, whatever path wrote it (the form, an import, a sync, an undo, a
conflict settled)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import fields as F
from ..domain.errors import PermissionDenied
from ..domain.fiscal import era_date, long_label
from .models import DbFiscalYearEvent


@dataclass(frozen=True)
class Closing:
    fy: int
    at: str
    user: str

    def reason(self) -> str:
        """Why a value of this year cannot change (shown in the form and by every refusal)."""
        return (
            f"{long_label(self.fy)}は締め切られています"
            f"（{era_date(self.at)} {self.user}）。値は変更できません"
        )


def closed(plan_code: str) -> dict[int, Closing]:
    """The plan's closed years: fy -> who closed it and when."""
    out: dict[int, Closing] = {}
    rows = DbFiscalYearEvent.select().where(DbFiscalYearEvent.plan_code == plan_code)
    for e in rows.order_by(DbFiscalYearEvent.id):
        if e.action == "close":
            out[e.fy] = Closing(e.fy, e.at, e.user)
        else:
            out.pop(e.fy, None)
    return out


def events(plan_code: str) -> list[DbFiscalYearEvent]:
    """Every close and re-open of the plan's years, oldest first."""
    q = DbFiscalYearEvent.select().where(DbFiscalYearEvent.plan_code == plan_code)
    return list(q.order_by(DbFiscalYearEvent.id))


def record(plan_code: str, fy: int, action: str, at: str, user: str, source: str) -> None:
    assert action in ("close", "open")
    DbFiscalYearEvent.create(
        plan_code=plan_code, fy=fy, action=action, at=at, user=user, source=source
    )


def any_closed() -> bool:
    """Whether any year of any plan is closed (most databases: none, and no check is needed)."""
    return DbFiscalYearEvent.select().where(DbFiscalYearEvent.action == "close").exists()


def check_open(changes: list[F.FieldChange]) -> None:
    """PermissionDenied naming the first change that touches a closed year of its plan."""
    dated = [c for c in changes if c.fy is not None and c.node_id is None]
    if not dated or not any_closed():
        return
    db = DbFiscalYearEvent._meta.database
    measures = sorted({c.measure_id for c in dated if c.indicator_id is None})
    indicators = sorted({c.indicator_id for c in dated if c.indicator_id is not None})
    plan_of: dict[tuple[str, int], str] = {}
    for kind, ids, sql in (
        ("m", measures, "SELECT m.id, p.code FROM measure m JOIN plan p ON p.id = m.plan_id"),
        ("i", indicators, "SELECT i.id, p.code FROM indicator i JOIN plan p ON p.id = i.plan_id"),
    ):
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            where = f" WHERE {kind}.id IN ({', '.join('?' * len(part))})"
            for key, code in db.execute_sql(sql + where, part):
                plan_of[(kind, key)] = code
    cache: dict[str, dict[int, Closing]] = {}
    for c in dated:
        key = ("i", c.indicator_id) if c.indicator_id is not None else ("m", c.measure_id)
        code = plan_of.get(key)  # type: ignore[arg-type]
        if code is None:
            continue
        years = cache.setdefault(code, closed(code))
        if c.fy in years:
            raise PermissionDenied(years[c.fy].reason(), fy=c.fy, field=c.field)


def align(plan_code: str, closed_there: tuple[tuple[int, str, str], ...], at: str) -> None:
    """Make this database's closed years of the plan those of the secretariat's master
    workbook (a department PC's sync): a year closed there is closed here as it was (when,
    by whom); one closed here but open there is re-opened. Recorded as from 'master'."""
    here = closed(plan_code)
    there = {fy: (when, user) for fy, when, user in closed_there}
    for fy, (when, user) in sorted(there.items()):
        if fy not in here:
            record(plan_code, fy, "close", when, user, "master")
    for fy in sorted(set(here) - set(there)):
        record(plan_code, fy, "open", at, "事務局", "master")
