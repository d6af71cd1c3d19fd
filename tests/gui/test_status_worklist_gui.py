"""回収状況 as a worklist and the export dialog's 回収期限, driven as a person would: choose a
deadline when exporting (it reaches every export row, and is offered again), click a header
to sort (dates as dates), choose 期限切れ to see only those rows, save the reminder list, copy
the table; a screenshot with a dozen departments."""

from __future__ import annotations

import os
from datetime import date

import pytest
from exchange_helpers import fill
from gui_helpers import when_modal
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QPushButton, QRadioButton

from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.store.exchange_models import DbExport
from kanazawa_desktop.ui import exchange_actions, tasks
from kanazawa_desktop.ui.export_dialog import ExportDialog
from kanazawa_desktop.ui.status_model import COL_DEADLINE, COL_DEPT, COL_ISSUED

pytestmark = pytest.mark.gui

FAR = date(2099, 1, 5)


def test_the_export_dialogs_deadline_reaches_every_export_row(
    qtbot, secretariat_window, tmp_path, monkeypatch
):
    win = secretariat_window
    folder = tmp_path / "out"
    folder.mkdir()
    seen = []

    def pick_folder(fd):  # the folder typed as a person would, then Enter
        edit = fd.findChild(QLineEdit, "fileNameEdit")
        edit.clear()
        qtbot.keyClicks(edit, str(folder))
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    def choose(dlg):
        assert not dlg.has_deadline.isChecked()  # no deadline set before in this plan
        assert dlg.deadline.calendarPopup() and dlg.deadline.minimumDate() == QDate.currentDate()
        qtbot.mouseClick(
            dlg.findChild(QRadioButton, "exportPerDepartment"), Qt.MouseButton.LeftButton
        )
        dlg.has_deadline.click()
        dlg.deadline.setDate(QDate(FAR.year, FAR.month, FAR.day))
        seen.append(dlg.deadline.text())
        if os.environ.get("KD_SHOTS"):
            dlg.grab().save(os.path.join(os.environ["KD_SHOTS"], "export_dialog.png"))
        when_modal(qtbot, QFileDialog, pick_folder)
        dlg.accept()

    when_modal(qtbot, ExportDialog, choose)
    exchange_actions.export_interactive(win)
    qtbot.waitUntil(lambda: len(list(folder.glob("*.xlsx"))) > 10, timeout=120_000)
    qtbot.waitUntil(lambda: not tasks.running_for(win), timeout=120_000)  # the export done
    assert seen == ["2099年1月5日（月）"]  # Japanese, with the weekday
    rows = list(DbExport.select())
    assert rows and {r.deadline for r in rows} == {"2099-01-05"}

    dlg = ExportDialog(win, win.desk)  # offered again for this plan
    assert dlg.has_deadline.isChecked() and dlg.values() == (False, FAR)
    dlg.deleteLater()
    with win.desk.on_plan("digital_2"):
        other = ExportDialog(win, win.desk)
        assert not other.has_deadline.isChecked() and other.values()[1] is None
        other.deleteLater()


PAST_DAY = {"today": date(2020, 1, 1)}


@pytest.fixture
def round_window(secretariat_window, tmp_path):
    """A dozen departments: three overdue (deadlines 2020-09-30, 2020-10-01, 2020-10-15), one
    with a far deadline, one returned after its deadline, one returned with open conflicts,
    the rest issued without a deadline or not at all."""
    desk = secretariat_window.desk
    ex = X.export_workbook
    ex(desk, tmp_path / "a.xlsx", "人事課", deadline=date(2020, 10, 1), **PAST_DAY)
    ex(desk, tmp_path / "b.xlsx", "広報広聴課", deadline=date(2020, 9, 30), **PAST_DAY)
    ex(desk, tmp_path / "c.xlsx", "財政課", deadline=date(2020, 10, 15), **PAST_DAY)
    ex(desk, tmp_path / "d.xlsx", "総務課", deadline=FAR, **PAST_DAY)
    back = ex(desk, tmp_path / "e.xlsx", "企画調整課", deadline=date(2020, 9, 1), **PAST_DAY)
    for dept in ("危機管理課", "税務課", "会計課"):
        ex(desk, tmp_path / f"{dept}.xlsx", dept)
    [pv] = X.preview_import(desk, [fill(back.path, {})])
    X.apply_import(desk, pv)
    dig = ex(desk, tmp_path / "f.xlsx", "デジタル行政戦略課", deadline=FAR, **PAST_DAY).path
    number = next(m for m in desk.measures("デジタル行政戦略課") if not m.is_repeat).number_label
    desk.save(
        next(m.id for m in desk.measures() if m.number_label == number),
        {(2023, "result_text"): "事務局の修正"},
    )
    fill(dig, {(number, "R5", "result"): "課の記入"})
    [pv] = X.preview_import(desk, [dig])
    X.apply_import(desk, pv)
    return secretariat_window


def _column(dlg, col):
    return [dlg.cell(r, col) for r in range(dlg.proxy.rowCount())]


def _click_header(qtbot, dlg, col):
    header = dlg.table.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_sort_filter_save_and_copy_the_worklist(qtbot, round_window, tmp_path):
    dlg = exchange_actions.open_status(round_window)
    qtbot.waitExposed(dlg)
    assert dlg.filters["overdue"].text() == "期限切れ（3）"
    assert dlg.filters["all"].text() == f"すべて（{dlg.proxy.rowCount()}）"
    assert "競合あり（1）" == dlg.filters["conflicts"].text()
    row = dlg.view_row("人事課")
    assert dlg.cell(row, COL_DEADLINE) == "令和2年10月1日（木）　期限切れ"
    assert dlg.proxy.index(row, COL_DEPT).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert dlg.proxy.index(dlg.view_row("総務課"), 0).data(Qt.ItemDataRole.BackgroundRole) is None

    # a click on 回収期限 sorts by date: 9月30日 before 10月1日 (as text, 10月 came first)
    _click_header(qtbot, dlg, COL_DEADLINE)
    depts = _column(dlg, COL_DEPT)
    assert depts[:4] == ["企画調整課", "広報広聴課", "人事課", "財政課"]
    assert _column(dlg, COL_DEADLINE)[-1] == ""  # no deadline: last
    _click_header(qtbot, dlg, COL_DEADLINE)  # again: descending
    assert _column(dlg, COL_DEPT)[-1] == "企画調整課"
    _click_header(qtbot, dlg, COL_ISSUED)
    issued = [t for t in _column(dlg, COL_ISSUED) if t]
    assert issued == sorted(issued)

    # 期限切れ: only those rows
    qtbot.mouseClick(dlg.filters["overdue"], Qt.MouseButton.LeftButton)
    assert sorted(_column(dlg, COL_DEPT)) == sorted(["人事課", "広報広聴課", "財政課"])
    assert all("期限切れ" in t for t in _column(dlg, COL_DEADLINE))
    qtbot.mouseClick(dlg.filters["conflicts"], Qt.MouseButton.LeftButton)
    assert _column(dlg, COL_DEPT) == ["デジタル行政戦略課"]

    # the reminder list through the file dialog
    target = tmp_path / "remind.csv"

    def choose(fd):
        assert fd.objectName() == "fileDialog" and fd.windowTitle() == "督促リストの保存先"
        edit = fd.findChild(QLineEdit, "fileNameEdit")
        edit.clear()
        qtbot.keyClicks(edit, str(target))
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    when_modal(qtbot, QFileDialog, choose)
    qtbot.mouseClick(dlg.findChild(QPushButton, "saveReminders"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=20_000)
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff担当課,計画,配布日,回収期限,状況\r\n")
    chased = {line.split(",")[0]: line.split(",")[-1] for line in text.splitlines()[1:]}
    assert chased["人事課"] == "期限切れ" and chased["会計課"] == "未回収"
    assert "企画調整課" not in chased and "デジタル行政戦略課" not in chased
    assert "督促リストを保存しました" in dlg.summary.text()

    # コピー: the rows shown, as a table
    qtbot.mouseClick(dlg.filters["overdue"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dlg.findChild(QPushButton, "copyStatus"), Qt.MouseButton.LeftButton)
    mime = QApplication.clipboard().mimeData()
    lines = mime.text().splitlines()
    assert lines[0].split("\t")[:3] == ["担当課", "状況", "配布"] and len(lines) == 4
    assert "<table" in mime.html() and "人事課" in mime.html()
    dlg.close()


def test_screenshot_of_the_worklist(qtbot, round_window, tmp_path):
    dlg = exchange_actions.open_status(round_window)
    qtbot.waitExposed(dlg)
    table = dlg.table
    header = table.horizontalHeader()
    # nothing cut off: every shown column is at least as wide as its content
    for c in range(header.count() - 1):
        if not table.isColumnHidden(c):
            assert header.sectionSize(c) >= table.sizeHintForColumn(c), c
    shot = tmp_path / "status.png"
    dlg.grab().save(str(shot))
    if os.environ.get("KD_SHOTS"):
        dlg.grab().save(os.path.join(os.environ["KD_SHOTS"], "status_worklist.png"))
    assert shot.stat().st_size > 0
    dlg.close()


def test_status_model_data_sort_keys_and_modeltester(qtmodeltester):
    from kanazawa_desktop.services.exchange.status import DepartmentStatus
    from kanazawa_desktop.ui.status_model import (
        COL_CONFLICTS,
        COL_STATE,
        OVERDUE,
        SORT_ROLE,
        StatusFilter,
        StatusModel,
    )

    rows = [
        (
            "p",
            "計画",
            DepartmentStatus(
                "A課", issued_at="2026-10-02T09:00:00+09:00", deadline="2026-10-01", overdue=True
            ),
        ),
        (
            "p",
            "計画",
            DepartmentStatus("B課", issued_at="2026-09-30T09:00:00+09:00", deadline="2026-09-30"),
        ),
        ("p", "計画", DepartmentStatus("C課")),
    ]
    model = StatusModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    proxy = StatusFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    assert model.index(0, COL_DEADLINE).data() == "令和8年10月1日（木）　期限切れ"
    assert model.index(2, COL_DEADLINE).data() == ""
    assert model.index(0, COL_CONFLICTS).data(SORT_ROLE) == (0, "A課")
    assert model.index(2, COL_STATE).data(SORT_ROLE) < model.index(0, COL_STATE).data(SORT_ROLE)
    proxy.sort(COL_DEADLINE, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, COL_DEPT).data() for r in range(3)] == ["B課", "A課", "C課"]
    proxy.set_mode(OVERDUE)
    assert [proxy.index(r, COL_DEPT).data() for r in range(proxy.rowCount())] == ["A課"]
