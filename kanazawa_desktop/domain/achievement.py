"""Achievement of a numeric target, derived from target, actual value and direction.

Shown beside the status a person chose; never overwrites it.
"""

from __future__ import annotations

import math
import re

from .status import Status

DIRECTIONS = {
    "increase": "増加",
    "decrease": "減少",
    "at_least": "以上を維持",
    "at_most": "以下を維持",
}


def derived_status(direction: str, target: float | None, actual: float | None) -> Status:
    """達成 when the actual value meets the target in the indicator's direction.

    PENDING while either number is missing.
    """
    if target is None or actual is None:
        return Status.PENDING
    if direction in ("increase", "at_least"):
        met = actual >= target
    elif direction in ("decrease", "at_most"):
        met = actual <= target
    else:
        raise ValueError(f"unknown direction: {direction!r}")
    return Status.ACHIEVED if met else Status.NOT_ACHIEVED


_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
LIMIT = 1e15  # Excel keeps 15 significant digits; nothing here is that large


def parse_number(text: str) -> float | None:
    """'1,800' / '９８．５' / '' -> float or None; ValueError for text that is not a plain
    decimal number (float() alone would take 'nan', 'inf', '1e400' and '1_000')."""
    t = (
        (text or "")
        .strip()
        .translate(str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+"))
    )
    t = t.replace(",", "")
    if not t:
        return None
    if not _DECIMAL.fullmatch(t):
        raise ValueError(text)
    return checked_number(float(t))


def checked_number(value: float) -> float:
    """A finite number Excel can hold exactly enough; ValueError otherwise."""
    if not math.isfinite(value) or abs(value) >= LIMIT:
        raise ValueError(value)
    return float(value)


def format_grouped(value: float | None) -> str:
    """Like format_number, with thousands separators for print: 1234567.5 -> '1,234,567.5'."""
    text = format_number(value)
    whole, dot, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    return f"{sign}{int(digits):,}{dot}{frac}" if digits.isdigit() else text


def format_number(value: float | None) -> str:
    """70.0 -> '70', 98.5 -> '98.5', None -> ''."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))
