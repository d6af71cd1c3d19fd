"""The import dialog driven as a person would: add files, preview, settle a conflict, apply, undo."""

from __future__ import annotations

import pytest
from exchange_helpers import fill, synced_pcs
from gui_helpers import apply_import
from gui_helpers import measure_id as mid
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton

from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.ui import exchange_actions

pytestmark = pytest.mark.gui


@pytest.fixture
def window(secretariat_window):
    return secretariat_window


def result(desk, number, fy=2023):
    return desk.measure(mid(desk, number)).year(fy).result_text


def test_menu_has_exchange_actions_before_quit(window):
    texts = [a.text() for a in window.file_menu.actions() if a.text()]
    assert (
        texts.index("Excelに書き出し…") < texts.index("Excelを取り込む…") < texts.index("終了(&X)")
    )
    assert "回収状況" in texts


def test_import_dialog_preview_resolve_apply_undo(qtbot, window, tmp_path):
    desk = window.desk
    returned = X.export_workbook(desk, tmp_path / "jinji.xlsx", "人事課").path
    fill(returned, {("No.7", "R5", "result"): "課の記入", ("No.10", "R5", "result"): "課の記入2"})
    desk.save(mid(desk, 7), {(2023, "result_text"): "事務局の修正"})
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"")

    dlg = exchange_actions.open_import(window)
    qtbot.waitExposed(dlg)
    # drag and drop both files onto the dialog
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(returned)), QUrl.fromLocalFile(str(bad))])
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    dlg.dragEnterEvent(enter)  # offscreen Qt has no drag session to route a synthetic drop
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    dlg.dropEvent(drop)
    assert dlg.files.count() == 2

    qtbot.mouseClick(dlg.findChild(QPushButton, "previewImport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dlg.previews) == 2, timeout=15000)
    assert result(desk, 10) == ""  # preview wrote nothing
    dlg.files.setCurrentRow(1)
    assert "空です" in dlg.summary.text()
    assert "取込不可" in dlg.files.item(1).text()
    dlg.files.setCurrentRow(0)
    kinds = [dlg.table.item(r, 0).text() for r in range(dlg.table.rowCount())]
    assert kinds == ["競合", "反映"]
    combo = dlg.table.cellWidget(0, 4)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findText("ファイルの値を採用"))

    refreshed = []
    dlg.changed.connect(lambda: refreshed.append(True))
    apply_import(qtbot, dlg)
    qtbot.waitUntil(lambda: bool(dlg.applied), timeout=15000)
    assert refreshed
    assert result(desk, 7) == "課の記入" and result(desk, 10) == "課の記入2"
    assert "反映しました" in dlg.summary.text()

    dlg.grab().save(str(tmp_path / "import_dialog.png"))

    qtbot.mouseClick(dlg.findChild(QPushButton, "undoImport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.applied, timeout=15000)
    assert result(desk, 7) == "事務局の修正" and result(desk, 10) == ""
    assert "取り消しました" in dlg.summary.text()
    dlg.close()


def test_status_dialog_lists_departments_per_plan_and_across_plans(qtbot, window, tmp_path):
    desk = window.desk
    X.export_workbook(desk, tmp_path / "jinji.xlsx", "人事課")
    with desk.on_plan("digital_2"):  # 人事課 also holds an item of the デジタル戦略
        desk.save(desk.measures()[0].id, {(None, "departments"): ("人事課",)})
    dlg = exchange_actions.open_status(window)
    qtbot.waitExposed(dlg)
    table = dlg.table

    def rows():
        return [tuple(dlg.cell(r, c) for c in range(3)) for r in range(table.model().rowCount())]

    assert table.isColumnHidden(0)  # one plan: no plan column
    by_dept = {d: state for _, d, state in rows()}
    assert by_dept["人事課"] == "未回収" and by_dept["デジタル行政戦略課"] == "未配布"
    box = dlg.plan_box
    box.setCurrentIndex(box.findText("すべての計画"))
    assert not table.isColumnHidden(0)
    assert ("金沢市デジタル戦略2.0", "人事課", "未配布") in rows()  # issued for the first plan only
    assert ("金沢市行政経営プラン", "人事課", "未回収") in rows()
    assert "課・計画" in dlg.summary.text()
    dlg.close()


def test_export_per_department_runs_in_background(qtbot, window, tmp_path):
    task = exchange_actions.export_per_department(window, tmp_path)
    qtbot.waitUntil(lambda: task.finished, timeout=60000)
    assert any("人事課" in p.name for p in tmp_path.glob("*.xlsx"))


def test_apply_reports_a_file_changed_after_preview_and_keeps_the_others(qtbot, window, tmp_path):
    desk = window.desk
    a = X.export_workbook(desk, tmp_path / "jinji.xlsx", "人事課").path
    b = X.export_workbook(desk, tmp_path / "digital.xlsx", "デジタル行政戦略課").path
    fill(a, {("No.10", "R5", "result"): "人事課の記入"})
    fill(b, {("No.2", "R5", "result"): "デジタルの記入"})
    dlg = exchange_actions.open_import(window)
    dlg.add_files([a, b])
    qtbot.mouseClick(dlg.findChild(QPushButton, "previewImport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dlg.previews) == 2, timeout=15000)
    desk.save(mid(desk, 2), {(2023, "result_text"): "事務局が先に修正"})  # after the preview
    apply_import(qtbot, dlg)
    qtbot.waitUntil(lambda: bool(dlg.applied), timeout=15000)
    assert list(dlg.applied) == [a]
    assert dlg.previews[b].conflicts  # previewed again: the new conflict is shown to settle
    assert result(desk, 10) == "人事課の記入" and result(desk, 2) == "事務局が先に修正"
    qtbot.waitUntil(
        lambda: any("新たな競合" in w.text() for w in dlg.findChildren(QMessageBox)), timeout=15000
    )
    dlg.close()


def test_department_pc_receives_a_new_measure_through_the_dialog(qtbot, open_window, tmp_path):
    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(master_db) as sec:
        sec.add_measure(node_key="1-1-1", name="生成AIの全庁活用", departments=["人事課"])
        second = X.export_workbook(sec, tmp_path / "m2.xlsx").path
    win = open_window(
        dept_db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), activate=False
    )
    before = len(win._visible_ids)
    dlg = exchange_actions.open_import(win)
    dlg.add_files([second])
    qtbot.mouseClick(dlg.findChild(QPushButton, "previewImport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dlg.previews) == 1, timeout=15000)
    assert "新しい取組 1件" in dlg.summary.text()
    rows = [
        (dlg.table.item(r, 1).text(), dlg.table.item(r, 3).text())
        for r in range(dlg.table.rowCount())
    ]
    assert ("新しい取組 No.91", "生成AIの全庁活用（人事課）") in rows
    apply_import(qtbot, dlg)
    qtbot.waitUntil(lambda: bool(dlg.applied), timeout=15000)
    dlg.close()
    assert len(win._visible_ids) == before + 1
    model = win.tree.model()
    hits = model.match(
        model.index(0, 0),
        Qt.ItemDataRole.DisplayRole,
        "生成AIの全庁活用",
        1,
        Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive,
    )
    assert hits  # the new measure is in 人事課's tree


def test_a_background_task_finishes_though_the_caller_drops_it(qtbot, window):
    import gc
    import time

    from kanazawa_desktop.ui.tasks import run_task

    results = []

    def work(progress):
        for i in range(5):
            time.sleep(0.1)
            progress.step(i, 5, "作業中")
        return "済"

    run_task(window, "テスト中…", work, results.append)  # the returned task is not kept
    for _ in range(3):
        gc.collect()
        qtbot.wait(100)
    qtbot.waitUntil(lambda: results == ["済"], timeout=10000)


@pytest.mark.parametrize("b_text", ["同じ記入", "違う記入"])
def test_applying_two_returns_of_one_joint_field_previews_the_second_again(
    qtbot, window, tmp_path, b_text
):
    from PySide6.QtWidgets import QApplication

    desk = window.desk
    joint = next(m for m in desk.measures() if len(m.departments) > 1 and not m.is_repeat)
    a, b = joint.departments[:2]
    pa = X.export_workbook(desk, tmp_path / "a.xlsx", a).path
    pb = X.export_workbook(desk, tmp_path / "b.xlsx", b).path
    other = next(m for m in desk.measures() if b in m.departments and a not in m.departments)
    fill(pa, {(joint.number_label, "R5", "result"): "同じ記入"})
    fill(
        pb,
        {
            (joint.number_label, "R5", "result"): b_text,
            (other.number_label, "R5", "result"): "別の取組",
        },
    )
    dlg = exchange_actions.open_import(window)
    dlg.add_files([pa, pb])
    qtbot.mouseClick(dlg.findChild(QPushButton, "previewImport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dlg.previews) == 2, timeout=15000)
    assert not dlg.previews[pb].conflicts  # against the data before a.xlsx: no conflict yet
    apply_import(qtbot, dlg)
    qtbot.waitUntil(lambda: pa in dlg.applied, timeout=15000)
    qtbot.wait(300)
    m = desk.measure(joint.id)
    assert m.year(2023).result_text == "同じ記入"
    if b_text == "同じ記入":  # previewed again: nothing new to decide, so it is applied
        assert pb in dlg.applied and desk.measure(other.id).year(2023).result_text == "別の取組"
    else:  # previewed again: a conflict the person has not seen, so it waits, shown
        assert pb not in dlg.applied and desk.measure(other.id).year(2023).result_text == ""
        assert [dlg.previews[pb].describe(c) for c in dlg.previews[pb].conflicts] == [
            f"{joint.number_label} R5 実施結果"
        ]
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]
        assert any("新たな競合 1件" in w.text() for w in boxes)
        for w in boxes:
            w.close()
    dlg.close()


def test_apply_says_what_it_will_do_and_a_file_can_be_left_out(qtbot, window, tmp_path):
    """反映 asks first: n files, m changes, k conflicts left open; an unticked file is not
    applied; やめる applies nothing."""
    from gui_helpers import when_modal

    from kanazawa_desktop.ui.apply_confirm import ApplyConfirmDialog

    desk = window.desk
    a = X.export_workbook(desk, tmp_path / "jinji.xlsx", "人事課").path
    b = X.export_workbook(desk, tmp_path / "digital.xlsx", "デジタル行政戦略課").path
    fill(a, {("No.7", "R5", "result"): "課の記入", ("No.10", "R5", "result"): "課の記入2"})
    fill(b, {("No.2", "R5", "result"): "デジタルの記入"})
    desk.save(mid(desk, 7), {(2023, "result_text"): "事務局の修正"})  # a conflict on No.7
    dlg = exchange_actions.open_import(window)
    dlg.add_files([a, b])
    qtbot.mouseClick(dlg.findChild(QPushButton, "previewImport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dlg.previews) == 2, timeout=15000)

    def cancel(box):
        [no] = [b for b in box.findChildren(QPushButton) if b.text() == "やめる"]
        qtbot.mouseClick(no, Qt.MouseButton.LeftButton)

    when_modal(qtbot, ApplyConfirmDialog, cancel)
    qtbot.mouseClick(dlg.findChild(QPushButton, "applyImport"), Qt.MouseButton.LeftButton)
    assert not dlg.applied and result(desk, 10) == "" and result(desk, 2) == ""

    seen: list[str] = []
    apply_import(qtbot, dlg, leave_out=("digital.xlsx",), seen=seen)
    qtbot.waitUntil(lambda: bool(dlg.applied), timeout=15000)
    assert seen == ["1 件のファイルを反映します: 変更 1 件、未解決の競合 1 件は反映しません。"]
    assert list(dlg.applied) == [a]
    assert result(desk, 10) == "課の記入2" and result(desk, 7) == "事務局の修正"
    assert result(desk, 2) == ""  # left out
    dlg.close()


def test_a_long_value_is_cut_in_the_table_and_shown_whole_below(qtbot, window, tmp_path):
    desk = window.desk
    long_text = "研修を実施した。" * 375  # 3,000 characters
    returned = X.export_workbook(desk, tmp_path / "jinji.xlsx", "人事課").path
    fill(returned, {("No.10", "R5", "result"): long_text})
    dlg = exchange_actions.open_import(window)
    dlg.add_files([returned])
    qtbot.mouseClick(dlg.findChild(QPushButton, "previewImport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dlg.previews) == 1, timeout=15000)
    [row] = [r for r in range(dlg.table.rowCount()) if "No.10" in dlg.table.item(r, 1).text()]
    cell = dlg.table.item(row, 3).text()
    assert len(cell) < 200 and "全3,000字" in cell
    assert dlg.detail.isHidden()
    rect = dlg.table.visualItemRect(dlg.table.item(row, 3))
    qtbot.mouseClick(dlg.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not dlg.detail.isHidden() and long_text in dlg.detail.toPlainText()
    dlg.close()
