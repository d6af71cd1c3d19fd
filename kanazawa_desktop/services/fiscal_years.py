"""Closing a finished fiscal year, and re-opening it: the secretariat's, recorded.

    close_year(desk, 2023, source="cli")   # R5: its values are read-only from now on
    open_year(desk, 2023, source="gui")

A closed year's values (実施計画, 実施結果, 計画達成状況, indicator actuals and figures) are
refused by every write (store/fiscal_years.check_open runs in each change batch), and the form
shows them read-only with the reason. Each close and re-open is a row of fiscal_year_event
(who, when, from where). `current_year` is the fiscal year of a day (April–March), within
the plan's years: the year the app opens on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..domain.changes import Changes
from ..domain.errors import InvalidValue, PermissionDenied
from ..domain.fiscal import current_fiscal_year, era_date, long_label
from ..domain.model import Plan
from ..store import fiscal_years as store
from ..store import repository as repo
from ..store.connection import write_transaction

if TYPE_CHECKING:
    from .desk import Desk


@dataclass(frozen=True)
class YearState:
    fy: int
    closed: store.Closing | None  # who closed it and when; None: open


def current_year(plan: Plan, today: date | None = None) -> int:
    """Today's fiscal year, or the plan's nearest year when today lies outside its period."""
    return current_fiscal_year(plan.years, today)


def year_states(desk: Desk) -> list[YearState]:
    """Each year of the desk's plan, open or closed."""
    closed = desk.closed_years()
    return [YearState(fy, closed.get(fy)) for fy in desk.plan.years]


def close_year(desk: Desk, fy: int, source: str) -> Changes:
    return _change(desk, fy, "close", source)


def open_year(desk: Desk, fy: int, source: str) -> Changes:
    return _change(desk, fy, "open", source)


def _change(desk: Desk, fy: int, action: str, source: str) -> Changes:
    role = desk.role
    if role is None or not role.is_secretariat:
        raise PermissionDenied("年度の締切と再開は事務局だけが行えます")
    plan = desk.plan
    if fy not in plan.years:
        raise InvalidValue(
            f"{long_label(fy)}は「{plan.name}」の年度ではありません"
            f"（{long_label(plan.first_fy)}～{long_label(plan.last_fy)}）",
            fy=fy,
        )
    with write_transaction(desk.db):
        closed = store.closed(plan.code)
        if action == "close" and fy in closed:
            c = closed[fy]
            raise InvalidValue(
                f"{long_label(fy)}はすでに締め切られています（{era_date(c.at)} {c.user}）", fy=fy
            )
        if action == "open" and fy not in closed:
            raise InvalidValue(f"{long_label(fy)}は締め切られていません", fy=fy)
        store.record(plan.code, fy, action, repo.now_iso(), desk.actor.user, source)
    return desk.absorb(Changes(fiscal=True))
