"""`--plan KEY`, which every command on measures takes: the plan's code or a part of its name
only it has (`--plan 総合戦略`); without it, the 行政経営プラン."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services.desk import Desk


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--plan",
        metavar="KEY",
        help="計画のコードか名前の一部（例: 総合戦略、デジタル戦略。省略時は行政経営プラン）",
    )


class UnknownPlan(Exception):
    """The --plan given names no plan, or several: wrong usage (exit 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def use(desk: Desk, args: argparse.Namespace) -> None:
    """Point `desk` at the plan --plan names; UnknownPlan with the reason otherwise."""
    from ..domain.errors import InvalidValue

    key = getattr(args, "plan", None)
    if key:
        try:
            desk.use_plan(key)
        except InvalidValue as exc:
            raise UnknownPlan(exc.message) from None
