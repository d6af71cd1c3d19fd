"""How a stored field value reads to a person (history, import preview, command line)."""

from __future__ import annotations

from .status import Status


def format_value(field: str, value: object, *, blank: str = "") -> str:
    """Status codes as 達成/未達成/未確定, whole floats without '.0', lists joined by 、."""
    if field == "status" and value is not None:
        return Status(value).label
    if value is None or value == "":
        return blank
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
