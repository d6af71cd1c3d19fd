"""One home for the rules on a field's value: the form it is kept in, and how it is read.

* `validate(field, value)` brings a typed, pasted or imported value to the form the store
  keeps (a Status code, a float of at most 15 significant digits or None, a list, clean
  text), or raises InvalidValue with a Japanese reason and data (`field`, and
  `length`/`limit` for a text too long). The form's save, the Desk and the workbook import
  all go through it.
* `field_value(measure, field, fy)` reads one field of a measure — the (year, field) key
  FieldChange, the history, the form and the workbook use — in that same form.
* `EXCEL_CELL_LIMIT`: the longest text a field may hold, Excel's cell limit, so every value
  kept can be exported (a list field's items together, as the cell shows them; a name with
  the room its sheet title needs: NAME_LIMIT); the workbook's writer, reader and safety
  checks use it too.
"""

from __future__ import annotations

from . import fields as F
from .achievement import checked_number, parse_number
from .errors import InvalidValue
from .indicator import Indicator, indicator_from_dict, indicator_to_dict
from .model import Measure
from .quantity import parse_quantity
from .status import Status
from .text import clean_text

EXCEL_CELL_LIMIT = 32767
# a name is also written in the 取組管理票's title, after its number ("No.12345 ") and before
# 【数値目標】: the room for those keeps the title within the cell limit
NAME_LIMIT = EXCEL_CELL_LIMIT - 32

# measure fields read as they are (the rest are lists, or the node's key)
_PLAIN_MEASURE_FIELDS = ("name", "summary", "vision", "numeric", "retired", "number")


def validate(field: str, value: object, *, unit: str = "") -> object:
    """Bring a value to the form the store keeps; InvalidValue with a Japanese reason if it can't.

    目標値 and 実績値 may be typed with the indicator's `unit` (「72件」, 「98.45%」, full width);
    another unit is refused with the reason (domain.quantity)."""
    label = F.label(field)
    if field == F.STATUS:
        if isinstance(value, Status):
            return value.value
        try:
            return Status.from_label(str(value or "")).value
        except ValueError as exc:
            raise InvalidValue(
                f"{label}は「達成」「未達成」「未確定」のいずれかです: {value}", field=field
            ) from exc
    if field in (F.TARGET, F.ACTUAL) or F.split_series(field) is not None:
        if value is None or value == "":
            return None
        try:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return _excel_digits(checked_number(float(value)))
            if unit:
                number = parse_quantity(str(value), unit)
                return None if number is None else _excel_digits(number)
            return _excel_digits(parse_number(str(value)))
        except InvalidValue as exc:
            raise InvalidValue(f"{label}: {exc.message}", field=field) from exc
        except (ValueError, OverflowError) as exc:  # float(10**400) overflows
            raise InvalidValue(
                f"{label}は数値で入力してください（数字だけ。単位は付けません）: {value}",
                field=field,
            ) from exc
    if field in ("numeric", "retired"):
        return bool(value)
    if field == "departments":
        # one department once: a repeated name would break the measure's department links
        names = [" ".join(clean_text(str(v)).split()) for v in _items(field, label, value)]
        return _fits(field, label, list(dict.fromkeys(n for n in names if n)), "、")
    if field == "related_plans":  # written one a line in one cell
        return _fits(field, label, [clean_text(str(v)) for v in _items(field, label, value)], "\n")
    if field == "resources":
        return [clean_text(str(v)) for v in _items(field, label, value)]
    if field == "indicators":  # definitions, as plain data: each checked strictly
        try:
            return [
                indicator_to_dict(indicator_from_dict(d if isinstance(d, dict) else {}))
                for d in _items(field, label, value)
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidValue(f"{label}が正しくありません: {exc}", field=field) from exc
    if field == "number":
        if value is None or value == "":
            return None
        if not isinstance(value, (int, float, str)):
            raise InvalidValue(f"{label}は整数で入力してください: {value}", field=field)
        return int(value)
    text = clean_text("" if value is None else str(value))
    _check_length(field, label, len(text), NAME_LIMIT if field == "name" else EXCEL_CELL_LIMIT)
    if field == "name" and not text.strip():
        raise InvalidValue("取組事項名は空にできません", field=field)
    return text


def _check_length(field: str, label: str, length: int, limit: int) -> None:
    if length > limit:
        raise InvalidValue(
            f"{label}が長すぎます（{length}文字。上限は{limit}文字）",
            field=field,
            length=length,
            limit=limit,
        )


def _fits(field: str, label: str, items: list[str], sep: str) -> list[str]:
    """`items`, which the workbook writes joined by `sep` into one cell: refused past its limit."""
    _check_length(
        field, label, sum(map(len, items)) + len(sep) * max(len(items) - 1, 0), EXCEL_CELL_LIMIT
    )
    return items


def _excel_digits(number: float | None) -> float | None:
    """The number with Excel's 15 significant digits: Excel cuts what is typed to them and
    LibreOffice writes no more, so a 目標値 of 0.1 + 0.2 kept as 0.30000000000000004 came back
    from a re-saved workbook as 0.3, its locked cell refused as changed."""
    return None if number is None else float(f"{number:.15g}")


def _items(field: str, label: str, value: object) -> list[object]:
    """The items of a list field: None and "" are no items; a list or tuple its items. Anything
    else (a bare string would read as its characters) is refused."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    raise InvalidValue(f"{label}は一覧で指定してください: {value}", field=field)


def unit_of(measure: Measure, field: str = F.ACTUAL) -> str:
    """The unit a value of `field` may be typed with: its indicator's ("" when none). The plain
    目標値/実績値 are the first indicator's."""
    ind = indicator_of_field(measure, field)
    return ind.unit if ind is not None else ""


def indicator_of_field(measure: Measure, field: str) -> Indicator | None:
    """The indicator an indicator field names (ACTUAL/TARGET: the first one)."""
    if field in (F.ACTUAL, F.TARGET):
        return measure.indicator
    s = F.split_series(field)
    if s is None:
        return None
    return next((i for i in measure.indicators if i.key == s[1]), None)


def actual_field(measure: Measure, key: str) -> str:
    """The field name of an indicator's actual: ACTUAL for the measure's first indicator."""
    first = measure.indicator
    return F.ACTUAL if first is not None and first.key == key else F.series_field(F.ACTUAL, key)


def series_fields(measure: Measure) -> list[str]:
    """Every indicator field of `measure`: each indicator's actual, and its outside figure
    where a target compares with one."""
    out: list[str] = []
    for ind in measure.indicators:
        out.append(actual_field(measure, ind.key))
        if ind.figure_name:
            out.append(F.series_field(F.FIGURE, ind.key))
    return out


def field_value(
    measure: Measure, field: str, fy: int | None = None, *, node_key: str | None = None
) -> object:
    """The value of `field` (of fiscal year `fy` for a year field) as FieldChange carries it.

    A year the measure has no record of reads as empty ("" / None / 未確定). `node` reads as
    `node_key`, which the caller supplies (a Measure knows its node's id, not its key).
    InvalidValue for a year field without a year, or a name that is no field.
    """
    if F.is_year_field(field):
        if fy is None:
            raise InvalidValue(f"{F.label(field)}には年度が必要です", field=field)
        series = F.split_series(field)
        if series is not None:
            kind, key = series
            if not any(i.key == key for i in measure.indicators):
                raise InvalidValue(f"不明な指標です: {key}", field=field)
            if kind == F.ACTUAL and measure.indicator and measure.indicator.key == key:
                field = F.ACTUAL  # the first indicator's actual has one name only
            else:
                table = measure.actuals if kind == F.ACTUAL else measure.figures
                return table.get(key, {}).get(fy)
        year = measure.year(fy)
        return year.status.value if field == F.STATUS else getattr(year, field)
    if field in ("departments", "related_plans"):
        return list(getattr(measure, field))
    if field == "resources":
        return sorted(measure.resources)
    if field == "node":
        return node_key
    if field == "indicators":
        return [indicator_to_dict(i) for i in measure.indicators]
    if field in _PLAIN_MEASURE_FIELDS:
        return getattr(measure, field)
    raise InvalidValue(f"不明な項目です: {field}", field=field)
