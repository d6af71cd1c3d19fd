"""How every sheet of the shared workbook prints from Excel, and the fonts it is drawn in.

`page_setup(ws, landscape, heading)`: A4, fitted to the page width, Excel's 「狭い」 margins,
and a header and footer on every page — the plan's name (left), `heading` (centre: the
sheet and the department), the export date in 和暦 (right), and 「n / N ページ」 (footer).
The header carries the department's name where a title row cannot go: 入力 and 指標 must
keep their headers in row 1 (every reader, old workbooks included, finds them there).

`use_japanese_font(wb)` makes 游ゴシック the workbook's default font; every cell style
names it too (FONT_NAME). An xlsx font is one name, not a fallback list: Excel and
LibreOffice substitute a Japanese Gothic face themselves where 游ゴシック is missing
(Windows before 8.1: ＭＳ Ｐゴシック), never a serif one as they did for Calibri's bold.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "游ゴシック"
FONT_SIZE = 10.5
# charset 128 (Shift_JIS) and family 3 as Excel records its own Japanese fonts; no theme
# scheme, or Excel would draw the theme's font instead of the name
FONT_ARGS: dict[str, object] = {"name": FONT_NAME, "sz": FONT_SIZE, "charset": 128, "family": 3}
HEADER_LIMIT = 240  # Excel refuses a header or footer of more than 255 characters, codes included


def font(**kwargs: object) -> Font:
    return Font(**{**FONT_ARGS, **kwargs})


def use_japanese_font(wb: Workbook) -> None:
    """Make the workbook's default font (style 0, the Normal style) the Japanese one.
    Call before any style is registered."""
    base = font()
    wb._fonts = IndexedList([base])  # openpyxl's font table; entry 0 is the default font
    wb._named_styles["Normal"].font = base


def _escaped(text: str) -> str:
    return text.replace("&", "&&")  # & starts a code in a header (&P, &N …)


def page_setup(ws: Worksheet, *, landscape: bool, plan_name: str, heading: str, date: str) -> None:
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    # Excel's 「狭い」 margins (inches)
    ws.page_margins = PageMargins(
        left=0.25, right=0.25, top=0.75, bottom=0.75, header=0.3, footer=0.3
    )
    left = _escaped(plan_name)[: HEADER_LIMIT // 3]
    centre = _escaped(heading)[: HEADER_LIMIT // 3]
    for part, text in (
        (ws.oddHeader.left, left),
        (ws.oddHeader.center, centre),
        (ws.oddHeader.right, f"{_escaped(date)} 書き出し" if date else ""),
    ):
        if text:
            part.text = text
            part.size = 9  # one small line above the table
            part.font = f"{FONT_NAME},標準"
    ws.oddFooter.center.text = "&P / &N ページ"
    ws.oddFooter.center.size = 9
    ws.oddFooter.center.font = f"{FONT_NAME},標準"
