"""One sheet of a plan workbook as plan_reader reads it: its header (name -> column) and its
non-empty rows, streamed from a read-only worksheet with bounds; Refusal names the sheet,
the row and the reason."""

from __future__ import annotations

from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from . import plan_text as pt
from .plan_layout import MAX_COLUMNS, MAX_ROWS


class Refusal(Exception):
    """One row's reason; read_plan turns it into BadWorkbook with the file's name."""

    def __init__(self, sheet: str, row: int | None, reason: str, kind: str = "plan_value"):
        super().__init__(reason)
        self.sheet, self.row, self.reason, self.kind = sheet, row, reason, kind

    def message(self, name: str) -> str:
        where = f"シート「{self.sheet}」" + (f"{self.row}行目" if self.row else "")
        return f"{name}: {where}: {self.reason}"


def text_of(v: object) -> str:
    """A cell as text: 12.0 -> '12'; spaces within a line folded, line breaks kept."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    lines = str(v).replace("\r\n", "\n").split("\n")
    return "\n".join(" ".join(line.split()) for line in lines).strip("\n")


def para_of(v: object) -> str:
    """A long text (概要, 説明) as typed, only its line ends normalised and its ends trimmed."""
    if v is None:
        return ""
    return str(v).replace("\r\n", "\n").strip()


class Sheet:
    """A sheet's header (name -> column) and its non-empty rows, as (row number, cells)."""

    def __init__(self, ws: ReadOnlyWorksheet) -> None:
        self.name = ws.title
        # streamed, at most MAX_ROWS x MAX_COLUMNS: a cell at XFD1048576 costs nothing (columns
        # past MAX_COLUMNS are never looked at), a sheet of a million rows is refused early
        rows = ws.iter_rows(min_row=1, max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS)
        self.rows: list[tuple[int, list[object]]] = []
        header: list[object] = []
        for n, row in enumerate(rows, start=1):
            values = []
            for cell in row:
                if cell.data_type == "f":
                    raise Refusal(self.name, n, f"セル {cell.coordinate} に数式があります")
                values.append(cell.value)
            if n > MAX_ROWS:  # reached only when the sheet has a row past MAX_ROWS
                raise Refusal(self.name, None, f"行が多すぎます（上限は{MAX_ROWS}行）", "too_large")
            if not any(text_of(v) for v in values):
                continue
            if n == 1:
                header = values
            else:
                self.rows.append((n, values))
        self.cols: dict[str, int] = {}
        for i, h in enumerate(header):
            name = text_of(h)
            if name in self.cols:
                raise Refusal(self.name, 1, f"見出し「{name}」が2つあります", "plan_template")
            if name:
                self.cols[name] = i

    def need(self, names: tuple[str, ...]) -> None:
        missing = [n for n in names if n not in self.cols]
        if missing:
            raise Refusal(
                self.name, 1, f"見出し「{'」「'.join(missing)}」がありません", "plan_template"
            )

    def get(self, values: list[object], name: str) -> object:
        i = self.cols.get(name)
        return values[i] if i is not None and i < len(values) else None

    def text(self, values: list[object], name: str) -> str:
        return text_of(self.get(values, name))

    def year_columns(self, prefix: str, first: int, last: int) -> dict[int, str]:
        """{fiscal year: header} of the columns 「<prefix>R5」…; one outside the period refused."""
        out: dict[int, str] = {}
        for name in self.cols:
            if not name.startswith(prefix.strip()):
                continue
            rest = name[len(prefix.strip()) :].strip()
            try:
                fy = pt.parse_fy(rest)
            except ValueError:
                raise Refusal(
                    self.name, 1, f"見出し「{name}」の年度を読めません", "plan_template"
                ) from None
            if not first <= fy <= last:
                raise Refusal(self.name, 1, f"見出し「{name}」は計画の期間外の年度です")
            out[fy] = name
        return out
