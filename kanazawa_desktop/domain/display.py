"""How a stored field value reads to a person (history, import preview, command line)."""

from __future__ import annotations

from .model import RESOURCE_LABELS
from .status import Status


def format_value(
    field: str, value: object, *, blank: str = "", node_names: dict[str, str] | None = None
) -> str:
    """Status codes as 達成/未達成/未確定, resources as ヒト/カネ/モノ/情報, whole floats without
    '.0', lists joined by 、."""
    if field == "status":  # unset (None or "") is 未確定, as everywhere
        return Status(str(value or "")).label  # a Status is a str: str() keeps its code
    if field == "node" and node_names and value in node_names:
        return node_names[str(value)]  # '① デジタル技術を…' rather than its key '1-1-1'
    if field == "indicators" and isinstance(value, list):  # definitions: by their names
        value = [f"{d.get('name', '')}（{d.get('key', '')}）" for d in value if isinstance(d, dict)]
        return "、".join(value) if value else "なし"
    if field == "resources" and isinstance(value, list):
        value = [RESOURCE_LABELS.get(str(v), str(v)) for v in value] or ""
    if value is None or value == "":
        return blank
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def short_time(iso: str | None) -> str:
    """'2026-11-23T10:05:41+09:00' -> '2026-11-23 10:05' (blank for None)."""
    return (iso or "")[:16].replace("T", " ")
