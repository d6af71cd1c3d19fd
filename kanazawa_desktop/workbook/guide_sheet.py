"""The 「記入のしかた」 sheet: what a department fills in, where, and how it goes back.

`guide_lines(...)` gives the sheet's text, one paragraph a row (the writer styles and
protects it). No reader looks at this sheet: it may change wording freely, and an old
workbook without it imports as before.
"""

from __future__ import annotations

from .layout import ENTRY_SHEET, INDICATOR_SHEET, SCOPE_MASTER, STATUS_CHOICES

GUIDE_SHEET = "記入のしかた"
MEASURE_SHEET_MARK = "書き出し時点の内容"
MEASURE_SHEET_NOTE = f"{MEASURE_SHEET_MARK}（「入力」シートへの記入では変わりません）"


def guide_lines(
    *,
    plan_name: str,
    scope: str,
    department: str,
    date: str,
    has_indicator_sheet: bool,
    has_measure_sheets: bool,
    deadline: str = "",
) -> list[tuple[str, str]]:
    """(style, text) rows: style "title", "head" (a heading), "deadline" (the 回収期限, right
    under the first paragraph) or "" (a paragraph). `deadline`: its label
    ('令和8年12月25日（金）'); '' says nothing about a deadline."""
    who = department or "全課"
    lines: list[tuple[str, str]] = [("title", f"記入のしかた　{plan_name}（{who}）")]
    issued = f"{date}に" if date else ""
    if scope == SCOPE_MASTER:
        lines.append(("", f"このブックは事務局が{issued}書き出した一覧表です。"))
        if deadline:
            lines.append(
                (
                    "deadline",
                    f"回収期限: {deadline}までに、担当課のPCで記入して書き出したブックを"
                    "事務局へ送り返してください。",
                )
            )
        lines += [
            ("head", "使い方"),
            (
                "",
                "担当課のPCの取組管理デスクで「Excelを取り込む…」（ファイルメニュー）で取り込みます。",
            ),
            (
                "",
                "取り込むと、事務局が決めた取組と年度ごとの実施計画・目標値が担当課のPCに入ります。",
            ),
            ("", "Excel で記入して送り返すブックではありません。"),
        ]
        return lines
    lines += [
        ("", f"このブックは{who}の分として事務局が{issued}書き出したものです。"),
    ]
    if deadline:
        lines.append(
            (
                "deadline",
                f"回収期限: {deadline}までに、事務局へ送り返してください。",
            )
        )
    lines += [
        ("head", "記入するところ"),
        (
            "",
            f"「{ENTRY_SHEET}」シートの黄色のセルだけに記入します（1行が取組1件の1年度分です）。",
        ),
        ("", "・実施結果: その年度に実施したことを文章で書きます。セル内の改行は Alt+Enter です。"),
        (
            "",
            "・計画達成状況: 一覧から「" + "」「".join(STATUS_CHOICES) + "」のどれかを選びます。"
            "実績が確定するまでは「未確定」のままにします。",
        ),
        ("", "・実績値: 【数値目標】の取組だけ。数値だけを入力します（単位は付けません）。"),
    ]
    if has_indicator_sheet:
        lines.append(
            (
                "",
                f"・指標が複数ある取組の実績値と、比較する数値は「{INDICATOR_SHEET}」シートの"
                "黄色のセルに入力します。",
            )
        )
    lines += [
        ("head", "してはいけないこと"),
        ("", "・白いセル（取組事項名、担当課、実施計画、目標値など）は変更できません。"),
        (
            "",
            "・シートや行・列の追加、削除、並べ替え、名前の変更はしないでください。"
            "取り込めなくなります。",
        ),
        ("", "・他のブックから書式ごと貼り付けず、値だけを貼り付けてください。"),
    ]
    if has_measure_sheets:
        lines.append(
            ("", f"・「No.1」などの取組管理票のシートは{MEASURE_SHEET_NOTE}。見るためのものです。")
        )
    lines += [
        ("head", "送り返しかた"),
        (
            "",
            "記入が終わったら Excel 形式（.xlsx）のまま上書き保存します（ファイル名は変えてもかまいません）。",
        ),
        (
            "",
            "保存したファイルを、事務局の指示どおり（メールまたは共有フォルダー）に"
            + (f"{deadline}までに" if deadline else "")
            + "送り返します。",
        ),
        (
            "",
            "事務局が取り込み、記入した内容を確認します。問題のあるセルは、事務局から"
            "シート名とセル番地（例: 入力!F12）で連絡があります。",
        ),
    ]
    return lines
