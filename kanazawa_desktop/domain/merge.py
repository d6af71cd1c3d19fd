"""The three-way merge of one field of a returned workbook. Stdlib only.

Three values meet for every field a workbook may change:

* base   – the value the workbook was issued with (carried in its manifest),
* master – the value in this database now,
* file   – the value in the returned workbook now.

`decide(base, master, file)` gives:

* KEEP     file == base: the file did not touch the field; the master value stays,
           whether or not the master changed meanwhile;
* SAME     file == master (and != base): both sides already agree; nothing to write;
* APPLY    file != base and master == base: only the file changed it; the file wins;
* CONFLICT file != base and master != base and file != master: both changed it
           differently; never settled silently;
* BLANK    (a conflict too) the file holds a blank where the base held a value and the
           master still holds the base: a person may have cleared the cell by mistake, so a
           blank never wipes a value silently. It is applied only when someone explicitly
           takes the file's side for that field (in the window; the command line
           leaves it open).
* SCALE    (a conflict too, set by the import) an 実績値 about 100 times off its year's
           目標値 (a percentage typed as a fraction, 0.9845 for 98.45 %): never stored
           silently; applied only when someone takes the file's side, like BLANK.

Values are compared as the store keeps them: text exactly (no trimming: a leading
space or `=` is content), numbers as floats, statuses by code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Decision(StrEnum):
    KEEP = "keep"
    SAME = "same"
    APPLY = "apply"
    CONFLICT = "conflict"
    BLANK = "blank"
    SCALE = "scale"

    @property
    def is_conflict(self) -> bool:
        return self in (Decision.CONFLICT, Decision.BLANK, Decision.SCALE)

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def kind(self) -> str:
        """The short word a conflict is listed under (the import's list, the command's lines)."""
        return {Decision.BLANK: "空欄", Decision.SCALE: "桁違い"}.get(self, "競合")


_LABELS = {
    Decision.KEEP: "変更なし",
    Decision.SAME: "同じ値",
    Decision.APPLY: "反映",
    Decision.CONFLICT: "競合",
    Decision.BLANK: "空欄（確認が必要）",
    Decision.SCALE: "目標値と桁が違います（確認が必要）",
}


def same(a: object, b: object) -> bool:
    """Equal as stored: numbers by value (1 == 1.0), everything else exactly."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def is_blank(value: object) -> bool:
    return value is None or value == ""


def decide(
    base: object, master: object, file: object, *, file_blank: bool | None = None
) -> Decision:
    """The decision for one field; `file_blank` overrides is_blank(file) (a blank status cell
    reads as 未確定 but is still a cleared cell)."""
    blank = is_blank(file) if file_blank is None else file_blank
    if same(file, base) and not (blank and not is_blank(base)):
        return Decision.KEEP
    if same(file, master):
        return Decision.SAME
    if not same(master, base):
        return Decision.CONFLICT
    if blank and not is_blank(base):
        return Decision.BLANK
    return Decision.APPLY


@dataclass(frozen=True)
class FieldMerge:
    """One field of one measure and year in a returned workbook, with its decision."""

    measure_key: str
    fy: int
    field: str
    base: object
    master: object
    file: object
    decision: Decision
    row: int = 0  # the row of the 入力 sheet, for messages

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.measure_key, self.fy, self.field)
