"""An indicator's value as people type it, and as Excel hands it over.

parse_quantity("９８．４５％", "%")   -> 98.45
parse_quantity("72件", "件")          -> 72.0
parse_quantity("72人", "件")          -> InvalidValue: 単位が違います…
percent_cell(0.9845)                  -> 98.45  (a cell formatted 0.00%)
off_scale(0.9845, [98.3])             -> True   (about 100× off: flag, never store silently)
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

from .achievement import checked_number
from .errors import InvalidValue

_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|[+-]?\.\d+")
_MINUS = str.maketrans({"−": "-", "‐": "-", "‑": "-", "–": "-", "▲": "-", "△": "-"})


def fold(text: str) -> str:
    """Width and the minus signs Japanese documents use (▲/△ mark a negative) folded away."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS).strip()


def parse_quantity(text: str | None, unit: str) -> float | None:
    """The number in `text`, typed bare or with the indicator's own unit; None when blank.
    Anything else raises InvalidValue with the reason, in Japanese."""
    t = fold(text or "")
    if not t:
        return None
    u = fold(unit)
    if u and t.endswith(u):
        t = t[: -len(u)].rstrip()
    m = re.match(r"^(.*?\d)\s*([^\d\s]+)$", t)
    if m and not _NUMBER.fullmatch(t):
        typed = m.group(2)
        if u:
            raise InvalidValue(
                f"単位「{typed}」はこの指標の単位（{unit}）と違います: {text}", text=text
            )
        raise InvalidValue(
            f"この指標には単位がありません。数値だけを入力してください: {text}", text=text
        )
    if not _NUMBER.fullmatch(t):
        raise InvalidValue(f"数値として読めません: {text}", text=text)
    try:
        return checked_number(float(t.replace(",", "")))
    except ValueError:
        raise InvalidValue(f"数値が大きすぎます: {text}", text=text) from None


def percent_cell(value: float) -> float:
    """A cell formatted as a percentage holds the fraction (0.9845 shown as 98.45%)."""
    return float(f"{value * 100:.12g}")


def off_scale(value: float, references: Iterable[float | None]) -> bool:
    """True when `value` is about 100 times larger or smaller than the targets it is judged
    against (a percentage typed as a fraction, or the other way round)."""
    for ref in references:
        if ref is None or ref == 0 or value == 0:
            continue
        ratio = abs(math.log10(abs(value) / abs(ref)))
        if 1.7 <= ratio <= 2.3:  # 50 to 200 times
            return True
    return False
