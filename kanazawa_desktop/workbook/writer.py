"""Write the shared workbook with openpyxl (layout in layout.py, manifest in manifest.py).

`write_workbook(content, out)` writes `取組事項一覧`, `入力`, `指標`, one 取組管理票 per
measure, the hidden manifest and `記入のしかた` (guide_sheet.py; last, so every other sheet
keeps its part, and the workbook opens on it), atomically (a files.staging temporary beside `out`, then a rename);
`save_workbook(content, path)` writes the same into `path` as it is, for a caller that does
the staging itself (the export renames inside its database transaction).

The workbook is written in openpyxl's write-only mode, each sheet's rows serialized by
rows_xml into a temporary file as they are made (a 20,000-measure master list is 720,000
cells: openpyxl's per-cell objects were most of the time and memory); openpyxl writes the
rest of each sheet, the styles and the package. Text is always written as text (an inline
string: openpyxl would turn a str starting with `=` into a formula and `#N/A` into an error
cell); the characters are never altered. Text longer than Excel's 32,767-character cell
limit is refused (BadWorkbook kind "too_long"), never truncated — except on the read-only
取組管理票 sheets, where a text longer than Excel's tallest row shows is cut with a note saying
where the whole text is (as the PDF sends it to 別紙). Only the cells named
editable in the manifest are unlocked (and tinted); every sheet is protected without a
password (a guard against slips, not security: the import checks content, not
protection). 計画達成状況 cells carry a list validation; 入力 has a frozen header,
an autofilter and an A4 landscape print setup fitted to the page width. 実施結果 input cells
carry the Text number format, so Excel keeps what a person types there as typed.
`指標` (indicator_sheet.py) shows each value with its unit through a number format, and
its input cells carry an input message naming the unit; so do 入力's 計画達成状況 and 実績値.

For printing from Excel (print_setup.py) every sheet has a header naming the plan, the sheet
and the department and the export date in 和暦, a page n / N footer, narrow margins and is
fitted to the page width; 取組事項一覧 has a title row naming the department (入力 and 指標
keep their headers in row 1, where every reader finds them). Data rows are boxed; 入力's row
heights are where a row opens, not fixed (it grows with what is typed). Every style names
游ゴシック. 取組管理票 sheets say they hold the content as exported (row 1). A round's
回収期限 (`WorkbookContent.deadline`) is said on 記入のしかた, in 入力's page header and in the
一覧's title row; without one, nothing mentions a deadline. The structure is
locked (workbook protection) against slips; LibreOffice drops it, the import relies on none
of it.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.deadline import deadline_label
from ..domain.details import sections
from ..domain.fiscal import era_date, long_label, short_label
from ..domain.model import RESOURCE_LABELS, Measure, Node, Plan, YearRecord
from ..domain.status import Status
from ..domain.text import XML_ILLEGAL
from ..files import staging
from .errors import BadWorkbook
from .guide_sheet import GUIDE_SHEET, MEASURE_SHEET_MARK, MEASURE_SHEET_NOTE, guide_lines
from .indicator_sheet import IndicatorRow, shown, unit_format
from .layout import (
    COL_ACTUAL,
    COL_RESULT,
    COL_STATUS,
    ENTRY_FIRST_ROW,
    ENTRY_HEADERS,
    ENTRY_SHEET,
    ENTRY_WIDTHS,
    EXCEL_CELL_LIMIT,
    FIELD_COLUMNS,
    ICOL_ACTUAL,
    ICOL_BASE,
    ICOL_FIGURE,
    INDICATOR_HEADERS,
    INDICATOR_SHEET,
    INDICATOR_WIDTHS,
    LIST_HEADERS,
    MANIFEST_SHEET,
    MAX_MEASURE_SHEETS,
    STATUS_CHOICES,
    column_letter,
    measure_sheet_name,
)
from .manifest import Manifest
from .print_setup import font, page_setup, use_japanese_font
from .rows_xml import Row, stream_rows

_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_FONT = font()
_HEAD_FONT = font(b=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
_INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
_GROUP_FILL = PatternFill("solid", fgColor="EEF1F5")
_UNLOCKED = Protection(locked=False)
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

# Named combinations of cell styles, each registered once per workbook as a style id (the
# rows are serialized by rows_xml with that id, not styled cell by cell).
_PRESETS: dict[str, dict[str, object]] = {
    "head": {"font": _HEAD_FONT, "fill": _HEAD_FILL, "alignment": _WRAP, "border": _BOX},
    "label": {"font": _HEAD_FONT, "fill": _GROUP_FILL, "alignment": _WRAP, "border": _BOX},
    "group": {"font": _HEAD_FONT, "fill": _GROUP_FILL, "border": _BOX},
    "bold": {"font": _HEAD_FONT},
    "title": {"font": font(b=True, sz=12)},
    "note": {"font": font(sz=9, color="C00000")},
    "guide": {"font": _FONT, "alignment": _WRAP},
    "deadline": {"font": font(b=True, sz=12, color="C00000"), "alignment": _WRAP},
    "plain": {"font": _FONT},
    # the data rows are boxed, so a printed list reads across
    "wrap": {"font": _FONT, "alignment": _WRAP, "border": _BOX},
    "box": {"font": _FONT, "alignment": _TOP, "border": _BOX},
    "wrap_box": {"font": _FONT, "alignment": _WRAP, "border": _BOX},
    "input": {
        "font": _FONT,
        "alignment": _WRAP,
        "protection": _UNLOCKED,
        "fill": _INPUT_FILL,
        "border": _BOX,
    },
    "input_text": {
        "font": _FONT,
        "alignment": _WRAP,
        "protection": _UNLOCKED,
        "fill": _INPUT_FILL,
        "number_format": "@",
        "border": _BOX,
    },
}


def _sid(ws: Worksheet, preset: str, number_format: str = "") -> int:
    """The workbook's style id of a preset, with `number_format` if given (registered in
    its style table on first use)."""
    cache = ws.parent.__dict__.setdefault("_kanazawa_style_ids", {})
    sid = cache.get((preset, number_format))
    if sid is None:
        cell = WriteOnlyCell(ws)
        for attr, value in _PRESETS[preset].items():
            setattr(cell, attr, value)
        if number_format:
            cell.number_format = number_format
        sid = cache[(preset, number_format)] = cell.style_id
    return int(sid)


@dataclass(frozen=True)
class EntryValues:
    """What a 入力 row shows: its locked cells, and its input cells (on a department PC these
    may differ from the manifest's base)."""

    name: str
    departments: str  # joined with 、
    plan_text: str
    target: float | str | None  # str: INDICATOR_SHEET_NOTE (several indicators)
    result_text: str
    status: str  # Status code
    actual: float | None  # None for a measure with several indicators (entered in 指標)
    # the current value of every input field of the row (what a department PC's return
    # carries: recorded as sent), the indicator fields too
    shown: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkbookContent:
    plan: Plan
    nodes: list[Node]
    measures: list[Measure]  # listed in 取組事項一覧, one 取組管理票 each, in printed order
    manifest: Manifest
    entries: list[EntryValues]  # parallel to manifest.rows
    indicator_rows: list[IndicatorRow] = field(default_factory=list)  # the 指標 sheet
    deadline: date | None = None  # the round's 回収期限 (not in the manifest: not merged)


def _cell(
    ws: Worksheet,
    value: object,
    preset: str | None = None,
    where: object = "",
    number_format: str = "",
) -> WriteOnlyCell:
    """One cell of a row for rows_xml (None: no cell); text stays text whatever it starts with.

    `where` names the cell in a refusal: a str, or a callable that makes it (called only
    when the text is refused, so a city-scale sheet does not format 700,000 names)."""
    sid = 0 if preset is None else _sid(ws, preset, number_format)
    if value is None or value == "":
        return None if preset is None else (None, sid)
    if isinstance(value, str):
        if len(value) > EXCEL_CELL_LIMIT:
            raise BadWorkbook(
                f"{_where(ws, where)}の文字数が Excel の上限を超えています（{len(value)}文字。"
                f"上限は{EXCEL_CELL_LIMIT}文字）",
                "too_long",
            )
        if XML_ILLEGAL.search(value):  # openpyxl's pattern misses U+FFFE, U+FFFF, surrogates
            raise BadWorkbook(
                f"{_where(ws, where)}に Excel に書き込めない制御文字が含まれています",
                "illegal_char",
            )
        value = _escaped(value)
    return (value, sid)


def _where(ws: Worksheet, where: object) -> str:
    return (where() if callable(where) else str(where)) or ws.title


# every underscore that starts an escape, overlapping ones too: `_x005F_x0041_` has two
_OOXML_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_NARROW = re.compile("[\x00-\u2e7f]")  # one width unit; East Asian and beyond: two


def _escaped(text: str) -> str:
    """Text as OOXML must carry it to come back the same: a literal `_x00ab_` is read as an
    escape by Excel and calamine, so its underscore is escaped (`_x005F_`), and a CR, which
    XML reading turns into LF, is written `_x000D_`. openpyxl does neither."""
    if "_x" in text:
        text = _OOXML_ESCAPE.sub("_x005F_", text)
    return text.replace("\r", "_x000D_") if "\r" in text else text


def _lines(text: object, width: float) -> int:
    """Lines a wrapped cell needs: East Asian characters count as two width units."""
    if not isinstance(text, str) or not text:
        return 1
    per_line = max(int(width) - 1, 1)
    if 2 * len(text) <= per_line and "\n" not in text:
        return 1  # fits whatever its characters
    total = 0
    for part in text.split("\n"):
        # counted from the narrow characters: few in Japanese text (findall makes a string
        # per match; wide ones are not cached singletons)
        units = len(part) if part.isascii() else 2 * len(part) - len(_NARROW.findall(part))
        total += max(1, -(-units // per_line))
    return total


def _height(cells: Sequence[tuple[object, float]], *, line_pt: float = 13.5) -> float | None:
    """A row's height for its wrapped text (clients do not auto-fit rows on open); None: the
    default height."""
    lines = max((_lines(text, width) for text, width in cells), default=1)
    return min(409.0, lines * line_pt + 3) if lines > 1 else None


ROW_LIMIT_PT = 409.0  # Excel's tallest row: a longer wrapped text is cut off unseen
CUT_TO_ENTRY = "…（以下省略。全文は「入力」シートにあります）"
CUT_TO_SHEET = "…（以下省略。全文は取組管理票のPDFにあります）"


def _readable(text: object, width: float, note: str, *, line_pt: float = 13.5) -> object:
    """`text` as a read-only cell `width` wide can show it: a text needing more lines than
    Excel's tallest row holds is cut where the lines run out and ends with `note` (saying
    where the whole text is), as the PDF's sheet sends it to 別紙."""
    most = int((ROW_LIMIT_PT - 3) // line_pt)
    if not isinstance(text, str) or _lines(text, width) <= most:
        return text
    lo, hi = 0, len(text)  # the longest prefix that fits with the note
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _lines(text[:mid].rstrip() + note, width) <= most:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + note


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.autoFilter = False  # filtering stays usable on the protected sheet
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _who(content: WorkbookContent) -> str:
    """Whose workbook: the department, or 全課 for the secretariat's master list."""
    return content.manifest.department or "全課"


def _deadline_note(content: WorkbookContent) -> str:
    """「回収期限: 令和8年12月25日（金）」, or '' when the workbook has no deadline."""
    return f"回収期限: {deadline_label(content.deadline)}" if content.deadline else ""


def _print(ws: Worksheet, content: WorkbookContent, *, landscape: bool, heading: str = "") -> None:
    """A4, fitted to the width, narrow margins, the header naming plan, sheet and department
    and the export date (print_setup.page_setup)."""
    page_setup(
        ws,
        landscape=landscape,
        plan_name=content.plan.name,
        heading=heading or f"{ws.title}（{_who(content)}）",
        date=era_date(content.manifest.issued_at),
    )


def _header(ws: Worksheet, headers: tuple[str, ...] | list[str]) -> list[WriteOnlyCell]:
    return [_cell(ws, h, "head") for h in headers]


def _write_list(ws: Worksheet, content: WorkbookContent) -> None:
    years = content.plan.years
    for c, w in enumerate((9, 50, 24) + (8,) * len(years)):
        ws.column_dimensions[column_letter(c)].width = w
    ws.freeze_panes = "A3"
    _print(ws, content, landscape=False)
    ws.print_title_rows = "2:2"
    _protect(ws)
    stream_rows(ws, _list_rows(ws, content))


def _list_rows(ws: Worksheet, content: WorkbookContent) -> Iterator[Row]:
    """A title row naming the department (no reader looks at this sheet), then the headers."""
    years = content.plan.years
    title = f"{content.plan.name}　{ws.title}（{_who(content)}）"
    if content.deadline:
        title += f"　{_deadline_note(content)}"
    yield 20.0, [_cell(ws, title, "title")]
    yield None, _header(ws, list(LIST_HEADERS) + [short_label(fy) for fy in years])
    nodes = {n.id: n for n in content.nodes}
    shown: set[int] = set()
    for m in content.measures:
        chain = []
        node = nodes.get(m.node_id)
        while node is not None:
            if node.level <= 2:
                chain.append(node)
            node = nodes.get(node.parent_id) if node.parent_id else None
        for n in reversed(chain):
            if n.id in shown:
                continue
            shown.add(n.id)
            yield None, [None, _cell(ws, n.caption, "group")]
        cells = [
            _cell(ws, m.number_label, "box"),
            _cell(ws, m.display_name, "wrap", "取組事項名"),
            _cell(ws, m.department_text, "wrap"),
        ]
        for fy in years:
            # like the seed's 一覧: a cell stays blank until the result is settled
            st = m.year(fy).status
            cells.append(_cell(ws, "" if m.is_repeat or st is Status.PENDING else st.label, "box"))
        yield _height([(m.display_name, 50), (m.department_text, 24)]), cells


_INPUT_PRESETS = {COL_RESULT: "input_text", COL_STATUS: "input", COL_ACTUAL: "input"}


def _write_entries(ws: Worksheet, content: WorkbookContent) -> None:
    for c, w in enumerate(ENTRY_WIDTHS):
        ws.column_dimensions[column_letter(c)].width = w
    ws.freeze_panes = "A2"
    # the headers stay in row 1 (every reader finds them there): the department and the
    # deadline are named in the page header instead of a title row
    heading = f"{ws.title}（{_who(content)}）"
    if content.deadline:
        heading += f"　{_deadline_note(content)}"
    _print(ws, content, landscape=True, heading=heading)
    ws.print_title_rows = "1:1"
    _protect(ws)
    status_rows: list[int] = []
    actual_rows: list[int] = []
    # heights are where the rows open, not fixed: a row grows with what is typed into it
    stream_rows(ws, _entry_rows(ws, content, status_rows, actual_rows), custom_heights=False)
    last = ENTRY_FIRST_ROW + len(content.manifest.rows) - 1
    if status_rows:
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(STATUS_CHOICES) + '"',
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="計画達成状況",
            error="「未確定」「達成」「未達成」から選んでください",
            promptTitle="計画達成状況",
            prompt="一覧から選びます。実績が確定するまでは「未確定」のままにします",
        )
        dv.sqref = _sqref(COL_STATUS, status_rows)
        ws.data_validations.append(dv)
    if actual_rows:
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1E+15",
            formula2="1E+15",
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="実績値",
            error="数値を入力してください",
            promptTitle="実績値",
            prompt="数値だけを入力します（単位は付けません。目標値と同じ単位です）",
        )
        dv.sqref = _sqref(COL_ACTUAL, actual_rows)
        ws.data_validations.append(dv)
    ws.auto_filter.ref = f"A1:{column_letter(len(ENTRY_HEADERS) - 1)}{max(last, 1)}"


def _sqref(col: int, rows: list[int]) -> str:
    """The cells of one column in `rows` (ascending) as ranges of consecutive rows ("G2:G9
    G14:G17"): what a validation covers, in a few ranges instead of one per cell."""
    letter, out, start = column_letter(col), [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i] != rows[i - 1] + 1:
            first, last = rows[start], rows[i - 1]
            out.append(f"{letter}{first}" if first == last else f"{letter}{first}:{letter}{last}")
            start = i
    return " ".join(out)


def _entry_rows(
    ws: Worksheet, content: WorkbookContent, status_rows: list[int], actual_rows: list[int]
) -> Iterator[Row]:
    """入力's rows; the rows of its status and 実績値 input cells are collected for the
    validations."""
    yield None, _header(ws, ENTRY_HEADERS)
    for i, (mr, ev) in enumerate(zip(content.manifest.rows, content.entries, strict=True)):
        r = ENTRY_FIRST_ROW + i
        values = (
            mr.label,
            ev.name,
            ev.departments,
            short_label(mr.fy),
            ev.plan_text,
            ev.result_text,
            Status(ev.status).label,
            ev.target,
            ev.actual,
        )
        # the Text format on 実施結果 makes Excel keep what is typed as typed ("=…", "1-2",
        # "4/1" stay text, not a formula or a date); the import never relies on it
        presets = ["wrap"] * len(values)
        for field_name in mr.editable:
            col = FIELD_COLUMNS.get(field_name)
            if col is None or (col == COL_ACTUAL and mr.actual_in_indicator_sheet):
                continue  # entered in 指標: one entry cell per value
            presets[col] = _INPUT_PRESETS[col]
            if col == COL_STATUS:
                status_rows.append(r)
            elif col == COL_ACTUAL:
                actual_rows.append(r)
        cells = [
            _cell(
                ws,
                v,
                presets[c],
                lambda c=c, mr=mr: f"{mr.label} {short_label(mr.fy)} {ENTRY_HEADERS[c]}",
            )
            for c, v in enumerate(values)
        ]
        yield _height([(v, ENTRY_WIDTHS[c]) for c, v in enumerate(values)]), cells


def _write_indicators(ws: Worksheet, content: WorkbookContent) -> None:
    """指標: one row per indicator and fiscal year (indicator_sheet.py). Only the input
    cells of the file's own current measures are unlocked; each carries an input message
    naming the unit (validations grouped by message)."""
    for c, w in enumerate(INDICATOR_WIDTHS):
        ws.column_dimensions[column_letter(c)].width = w
    ws.freeze_panes = "C2"
    _print(ws, content, landscape=True)
    ws.print_title_rows = "1:1"
    _protect(ws)
    prompts: dict[tuple[int, str, str], list[int]] = {}
    stream_rows(ws, _indicator_rows(ws, content, prompts))
    for (col, title, prompt), rows in prompts.items():
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1E+15",
            formula2="1E+15",
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle=title,
            error="数値を入力してください",
            promptTitle=title,
            prompt=prompt,
        )
        dv.sqref = _sqref(col, rows)
        ws.data_validations.append(dv)
    last = 1 + len(content.indicator_rows)
    ws.auto_filter.ref = f"A1:{column_letter(len(INDICATOR_HEADERS) - 1)}{last}"


def _prompt(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _indicator_rows(
    ws: Worksheet, content: WorkbookContent, prompts: dict[tuple[int, str, str], list[int]]
) -> Iterator[Row]:
    yield None, _header(ws, INDICATOR_HEADERS)
    for i, ir in enumerate(content.indicator_rows):
        r = 2 + i
        fmt = unit_format(ir.unit, ir.decimals)
        unit_text = f"単位は「{ir.unit}」です。" if ir.unit.strip() else "単位はありません。"
        presets = ["wrap"] * len(INDICATOR_HEADERS)
        formats = [""] * len(INDICATOR_HEADERS)
        formats[ICOL_BASE] = formats[ICOL_ACTUAL] = formats[ICOL_FIGURE] = fmt
        if ir.actual_editable:
            presets[ICOL_ACTUAL] = "input"
            # named by unit, not by indicator: a few validations, however many rows
            prompt = _prompt(f"{unit_text}数値だけを入力します（表示に単位が付きます）", 255)
            prompts.setdefault((ICOL_ACTUAL, "実績値", prompt), []).append(r)
        if ir.figure_editable:
            presets[ICOL_FIGURE] = "input"
            what = ir.figure_name or "比較する数値"
            prompt = _prompt(f"{what}を入力します。{unit_text}数値だけを入力します", 255)
            prompts.setdefault((ICOL_FIGURE, _prompt(what, 32), prompt), []).append(r)
        cells = [
            _cell(
                ws,
                v,
                presets[c],
                lambda c=c, ir=ir: f"{INDICATOR_SHEET} {ir.key} {INDICATOR_HEADERS[c]}",
                formats[c],
            )
            for c, v in enumerate(shown(ir))
        ]
        yield _height([(ir.name, INDICATOR_WIDTHS[1]), (ir.target, INDICATOR_WIDTHS[6])]), cells


MEASURE_TEXT_ROW = 4  # after the note 「書き出し時点の内容」, the path and the title


def _write_measure_sheet(
    ws: Worksheet, m: Measure, content: WorkbookContent, path_caption: str
) -> None:
    years = content.plan.years
    ws.column_dimensions["A"].width = 14
    for i in range(len(years)):
        ws.column_dimensions[column_letter(1 + i)].width = 30
    _print(
        ws, content, landscape=True, heading=f"{ws.title}（{_who(content)}　{MEASURE_SHEET_MARK}）"
    )
    _protect(ws)
    last = len(years)
    # 概要 … 確保する行政資源 (the rows the plan has) and the plan's own sections (具体的な事業 …):
    # the text spans the year columns
    for r in range(MEASURE_TEXT_ROW, MEASURE_TEXT_ROW + len(_text_rows(m, content.plan))):
        ws.merged_cells.add(f"B{r}:{column_letter(last)}{r}")
    stream_rows(ws, _measure_rows(ws, m, content, path_caption))


def _text_rows(m: Measure, plan: Plan) -> list[tuple[str, str]]:
    res = "　".join(
        f"{RESOURCE_LABELS[r]}{'○' if r in m.resources else '－'}" for r in RESOURCE_LABELS
    )
    texts = {
        "summary": m.summary,
        "vision": m.vision,
        "related_plans": "\n".join(m.related_plans) or "—",
        "resources": res,
    }
    rows = [(plan.label(f), texts[f]) for f in plan.rows]
    return rows + [(title, "\n".join(lines)) for title, lines in sections(m.details)]


def _measure_rows(
    ws: Worksheet, m: Measure, content: WorkbookContent, path_caption: str
) -> Iterator[Row]:
    years = content.plan.years
    last = len(years)
    # the sheet is a print of the measure when exported: say so, it does not follow 入力
    yield None, [_cell(ws, MEASURE_SHEET_NOTE, "note")]
    yield None, [_cell(ws, path_caption, "bold")]
    title = _cell(ws, f"{m.number_label} {m.display_name}", "title", "取組事項名")
    yield None, [title] + [None] * (last - 1) + [_cell(ws, m.department_text)]
    for label, full in _text_rows(m, content.plan):  # merged across the year columns
        text = _readable(full, 30 * last, CUT_TO_SHEET)
        cells = [
            _cell(ws, label, "label"),
            _cell(ws, text, "wrap_box", f"{m.number_label} {label}"),
        ]
        cells += [_cell(ws, None, "box") for _ in range(2, last + 1)]
        yield _height([(text, 30 * last)]), cells
    yield None, _header(ws, [""] + [long_label(fy) for fy in years])
    year_rows: list[tuple[str, Callable[[YearRecord], object]]] = [
        ("実施計画", lambda y: y.plan_text),
        ("実施結果", lambda y: y.result_text),
        ("計画達成状況", lambda y: "" if y.status is Status.PENDING else y.status.label),
    ]
    if m.numeric:
        year_rows += [("目標値", lambda y: y.target), ("実績値", lambda y: y.actual)]
    for label, get in year_rows:
        texts = [_readable(get(m.year(fy)), 30, CUT_TO_ENTRY) for fy in years]
        cells = [_cell(ws, label, "label")]
        cells += [_cell(ws, text, "wrap_box", f"{m.number_label} {label}") for text in texts]
        yield (
            _height([(t, 30) for t in texts] + ([("\n\n", 30)] if label == "実施結果" else [])),
            cells,
        )


GUIDE_WIDTH = 80


def _guide_height(style: str, text: str) -> float | None:
    if style == "deadline":  # 12 pt: fewer characters a line, taller lines
        return _height([(text, GUIDE_WIDTH * 10.5 / 12)], line_pt=16.5) or 20.0
    return 20.0 if style else _height([(text, GUIDE_WIDTH)])


def _write_guide(ws: Worksheet, content: WorkbookContent) -> None:
    """記入のしかた (guide_sheet.py): one paragraph a row, printed on one page width."""
    ws.column_dimensions["A"].width = GUIDE_WIDTH
    _print(ws, content, landscape=False)
    _protect(ws)
    lines = guide_lines(
        plan_name=content.plan.name,
        scope=content.manifest.scope,
        department=content.manifest.department,
        date=era_date(content.manifest.issued_at),
        deadline=deadline_label(content.deadline),
        has_indicator_sheet=content.manifest.version >= 5,
        has_measure_sheets=0 < sum(not m.is_repeat for m in content.measures) <= MAX_MEASURE_SHEETS,
    )
    presets = {"title": "title", "head": "bold", "deadline": "deadline", "": "guide"}
    stream_rows(
        ws,
        ((_guide_height(style, text), [_cell(ws, text, presets[style])]) for style, text in lines),
        custom_heights=False,
    )


def _write_manifest(ws: Worksheet, manifest: Manifest) -> None:
    ws.sheet_state = "hidden"
    _protect(ws)
    stream_rows(
        ws,
        (
            (None, [_cell(ws, v, None, "管理情報") for v in values])
            for values in manifest.sheet_rows()
        ),
    )


def save_workbook(
    content: WorkbookContent, path: Path, step: Callable[[int, int], None] | None = None
) -> None:
    """Write the workbook into `path` (not atomic); `step(done, total)` between measure sheets.

    Write-only: each sheet's rows are serialized to a temporary file as they are made
    (rows_xml), so memory does not grow with the sheets; openpyxl writes the rest.
    """
    wb = Workbook(write_only=True)
    use_japanese_font(wb)
    # against slips in Excel (a hidden sheet unhidden or deleted); LibreOffice drops it and
    # the import checks everything anyway
    wb.security = WorkbookProtection(lockStructure=True)
    try:
        _write_sheets(wb, content, step)
        wb.save(path)
    except BaseException:
        _discard(wb)
        raise


def _write_sheets(
    wb: Workbook, content: WorkbookContent, step: Callable[[int, int], None] | None
) -> None:
    # in the plan's word (施策一覧): no reader looks for it by name
    _write_list(wb.create_sheet(content.plan.list_title), content)
    _write_entries(wb.create_sheet(ENTRY_SHEET), content)
    if content.manifest.version >= 5:
        _write_indicators(wb.create_sheet(INDICATOR_SHEET), content)
    nodes = {n.id: n for n in content.nodes}
    sheets = [m for m in content.measures if not m.is_repeat]
    if len(sheets) > MAX_MEASURE_SHEETS:
        sheets = []  # a city-scale list: the 取組管理票 are printed (PDF), not 20,000 sheets
    total = len(sheets)
    for i, m in enumerate(sheets):
        if step is not None:
            step(i, total)
        chain, node = [], nodes.get(m.node_id)
        while node is not None:
            chain.append(node.caption)
            node = nodes.get(node.parent_id) if node.parent_id else None
        _write_measure_sheet(
            wb.create_sheet(measure_sheet_name(m.number_label)),
            m,
            content,
            " ".join(reversed(chain)),
        )
    _write_manifest(wb.create_sheet(MANIFEST_SHEET), content.manifest)
    # last, so every other sheet keeps its part (sheet2.xml is 入力 in every format), and
    # the workbook opens on it: the first thing a department reads
    _write_guide(wb.create_sheet(GUIDE_SHEET), content)
    wb.active = len(wb.worksheets) - 1


def _discard(wb: Workbook) -> None:
    """After a refusal (text too long, a control character) or a failed save: finish and remove
    each sheet's temporary file now (openpyxl removes them only when the process exits, and a
    sheet left open complains when it is collected)."""
    for ws in wb.worksheets:
        writer = ws._writer  # openpyxl's streaming writer of this sheet, if it has begun
        if writer is None:
            continue
        with contextlib.suppress(Exception):  # already broken: only the cleanup matters
            if not ws.closed:
                ws.close()
        with contextlib.suppress(OSError, ValueError):  # removed already by a save that got far
            writer.cleanup()


def write_workbook(
    content: WorkbookContent, out: Path, step: Callable[[int, int], None] | None = None
) -> None:
    """Write the workbook to `out` atomically; `step(done, total)` between measure sheets.

    The temporary follows the user's umask (a workbook is meant to be shared) and a killed
    run's is swept by the next write to that folder (files.staging).
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise BadWorkbook(f"保存先のフォルダーがありません: {out.parent}", "no_folder")
    staging.sweep(out.parent)
    tmp = staging.create_beside(out)
    try:
        save_workbook(content, tmp, step)
        os.replace(tmp, out)
    finally:
        staging.discard(tmp)
