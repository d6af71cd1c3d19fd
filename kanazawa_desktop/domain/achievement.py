"""Achievement of a numeric target, derived from target, actual value and direction.

Shown beside the status a person chose; never overwrites it.
"""

from __future__ import annotations

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


def parse_number(text: str) -> float | None:
    """'1,800' / '９８．５' / '' -> float or None; ValueError for text that is not a number."""
    t = (text or "").strip().translate(str.maketrans("０１２３４５６７８９．，－", "0123456789.,-"))
    t = t.replace(",", "")
    if not t:
        return None
    return float(t)


def format_number(value: float | None) -> str:
    """70.0 -> '70', 98.5 -> '98.5', None -> ''."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))
