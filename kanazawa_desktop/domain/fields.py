"""The editable fields of a measure, their Japanese labels, and who may edit them.

A field is named by a string; year fields are qualified by a fiscal year. The change
history, undo, permissions and the workbook all speak these names.
"""

from __future__ import annotations

from dataclasses import dataclass

# Per-fiscal-year fields.
PLAN_TEXT = "plan_text"
RESULT_TEXT = "result_text"
STATUS = "status"
TARGET = "target"
ACTUAL = "actual"
YEAR_FIELDS = (PLAN_TEXT, RESULT_TEXT, STATUS, TARGET, ACTUAL)

# An indicator's per-year values: "actual:<indicator key>" and "figure:<indicator key>" (the
# outside figure an OutsideLimit target compares with, 中核市平均). The first indicator of a
# measure keeps the plain name ACTUAL, which the 入力 sheet, the history and the workbooks
# already issued speak; the others take the qualified name.
FIGURE = "figure"
_SERIES = (ACTUAL, FIGURE)


def series_field(kind: str, key: str) -> str:
    return f"{kind}:{key}"


def split_series(field: str) -> tuple[str, str] | None:
    """("actual" | "figure", indicator key) for an indicator field; None for any other."""
    if ":" not in field:  # the common case, asked for every cell of an export
        return None
    kind, sep, key = field.partition(":")
    return (kind, key) if sep and kind in _SERIES and key else None


def is_year_field(field: str) -> bool:
    return field in YEAR_FIELDS or split_series(field) is not None


def label(field: str, names: dict[str, str] | None = None) -> str:
    """The field's Japanese name; an indicator's value with the indicator's name when `names`
    (indicator key -> name; "" for the first indicator, whose actual is the plain ACTUAL) has it."""
    s = split_series(field)
    if s is not None:
        return f"{LABELS[s[0]]}（{(names or {}).get(s[1], s[1])}）"
    if field == ACTUAL and names and names.get(""):
        return f"{LABELS[ACTUAL]}（{names['']}）"
    return LABELS.get(field, field)


# Per-measure definition fields (secretariat only).
MEASURE_FIELDS = (
    "name",
    "summary",
    "vision",
    "related_plans",
    "departments",
    "resources",
    "numeric",
    "retired",
    "node",
    "number",
    "indicators",
)

LABELS = {
    PLAN_TEXT: "実施計画",
    RESULT_TEXT: "実施結果",
    STATUS: "計画達成状況",
    TARGET: "目標値",
    ACTUAL: "実績値",
    FIGURE: "比較する数値",
    "name": "取組事項名",
    "summary": "概要",
    "vision": "めざす姿",
    "related_plans": "関連計画",
    "departments": "担当課",
    "resources": "確保する行政資源",
    "numeric": "数値目標",
    "retired": "廃止",
    "node": "体系",
    "number": "取組No.",
    "created": "新規作成",
    "title": "体系の名称",
    "indicators": "指標の定義",
    "legacy_actual": "実績値（指標を分ける前）",
}

# What a department fills in: the results of its own measures.
DEPARTMENT_FIELDS = frozenset({RESULT_TEXT, STATUS, ACTUAL})


def is_department_field(field: str) -> bool:
    """A result a department enters: its texts, its status, and its indicators' values (the
    outside figure too: the department that reports the ratio has the average beside it)."""
    return field in DEPARTMENT_FIELDS or split_series(field) is not None


@dataclass(frozen=True)
class Role:
    """Who this database belongs to: the secretariat, or one department."""

    department: str | None = None  # None means the secretariat

    @property
    def is_secretariat(self) -> bool:
        return self.department is None

    @property
    def label(self) -> str:
        return "事務局" if self.is_secretariat else self.department or ""

    def owns(self, departments: tuple[str, ...]) -> bool:
        return self.is_secretariat or self.department in departments


def can_edit(
    role: Role,
    departments: tuple[str, ...],
    field: str,
    *,
    is_repeat: bool = False,
    retired: bool = False,
) -> bool:
    """May `role` change `field` of a measure held by `departments`?

    A 【再掲】 row has no results of its own (they belong to the measure it repeats),
    and a retired measure takes no more results.
    """
    if role.is_secretariat:
        return True
    if not is_department_field(field) or is_repeat or retired:
        return False
    return role.department in departments


@dataclass(frozen=True)
class FieldChange:
    """One field of one measure (and year, for year fields) going from old to new.

    With `node_id` set it is the title of a 方針/項目/小項目 node instead (measure_id 0).
    With `indicator_id` set it is a value of an indicator no measure owns (a 基本目標's
    数値目標, a plan's KPI): `field` ACTUAL or FIGURE, `fy` its year, measure_id 0.
    """

    measure_id: int
    field: str
    old: object
    new: object
    fy: int | None = None
    node_id: int | None = None
    indicator_id: int | None = None

    def inverse(self) -> FieldChange:
        return FieldChange(
            self.measure_id,
            self.field,
            self.new,
            self.old,
            self.fy,
            self.node_id,
            self.indicator_id,
        )

    @property
    def of_measure(self) -> bool:
        """A field of a measure (not a node's title, not a plan-level indicator's value)."""
        return self.node_id is None and self.indicator_id is None

    @property
    def label(self) -> str:
        return label(self.field)
