"""ファイル → 計画を取り込む… / 計画を書き出す…: the secretariat picks a plan workbook, is told
what it adds, confirms, and the plan switcher lists the new plan; a department has neither."""

from __future__ import annotations

from gui_helpers import apply_import, when_modal
from plan_workbook_helpers import plan_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox


def _choose_file(qtbot, path):
    def choose(dlg):
        edit = dlg.findChild(QLineEdit, "fileNameEdit")
        edit.clear()
        qtbot.keyClicks(edit, str(path))  # an ASCII path: QTest types ASCII only
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    return choose


def _switcher(win):
    return [win.plan_box.itemText(i) for i in range(win.plan_box.count())]


def test_the_secretariat_imports_a_plan_and_the_switcher_lists_it(
    qtbot, open_window, db_path, settings, tmp_path
):
    f = plan_workbook(tmp_path / "r9.xlsx")
    win = open_window(db_path, settings, secretariat=True)
    assert "金沢市行政経営プラン（令和9年度～）" not in _switcher(win)
    asked = []

    def yes(box):
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    def choose(dlg):
        when_modal(qtbot, QMessageBox, yes)  # asked once the file has been checked
        _choose_file(qtbot, f)(dlg)

    when_modal(qtbot, QFileDialog, choose)
    win.file_menu.setActiveAction(win.act_plan_import)
    win.act_plan_import.trigger()
    qtbot.waitUntil(lambda: win.desk.plan.code == "gyosei_r9", timeout=30_000)
    assert "計画「金沢市行政経営プラン（令和9年度～）」（キー gyosei_r9、R9–R12" in asked[0]
    assert "体系 3件、取組 3件、指標 2件" in asked[0]
    assert win.plan_box.currentText() == "金沢市行政経営プラン（令和9年度～）"
    assert "金沢市行政経営プラン" in _switcher(win) and len(_switcher(win)) == 4
    assert {r.key for r in win.desk.rows()} == {"No.1", "No.2", "再掲-No.1"}


def test_a_bad_plan_workbook_is_one_message_and_adds_nothing(
    qtbot, open_window, db_path, settings, tmp_path
):
    from kanazawa_desktop.ui.plan_io_actions import import_from

    def edit(wb):
        wb["取組"]["C2"] = "9-9"

    win = open_window(db_path, settings, secretariat=True)
    import_from(win, plan_workbook(tmp_path / "bad.xlsx", edit))
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "notice") is not None, timeout=30_000)
    box = win.findChild(QMessageBox, "notice")
    assert "シート「取組」2行目: 体系キー「9-9」" in box.text()
    box.close()
    assert len(win.desk.plans()) == 3 and len(_switcher(win)) == 3


def test_the_secretariat_exports_the_plan_on_screen(
    qtbot, open_window, db_path, settings, tmp_path
):
    target = tmp_path / "plan_out.xlsx"
    win = open_window(db_path, settings, secretariat=True)
    when_modal(qtbot, QFileDialog, _choose_file(qtbot, target))
    win.act_plan_export.trigger()
    qtbot.waitUntil(target.exists, timeout=30_000)
    qtbot.waitUntil(lambda: win.plan_task.finished, timeout=30_000)
    assert str(target) in win.statusBar().currentMessage()


def test_a_department_has_no_plan_actions(qtbot, open_window, db_path, settings):
    win = open_window(db_path, settings, department="人事課")
    texts = [a.text() for a in win.file_menu.actions()]
    assert not any("計画を" in t for t in texts)


def test_a_key_already_taken_is_asked_again(qtbot, open_window, db_path, settings, tmp_path):
    from PySide6.QtWidgets import QInputDialog

    from kanazawa_desktop.services.plan_io import export_plan
    from kanazawa_desktop.ui.plan_io_actions import import_from

    win = open_window(db_path, settings, secretariat=True)
    f = export_plan(win.desk, "digital_2", tmp_path / "digital.xlsx")
    asked = []

    def new_key(dlg):
        asked.append(dlg.labelText())
        edit = dlg.findChild(QLineEdit)
        edit.clear()
        qtbot.keyClicks(edit, "digital_copy")
        when_modal(
            qtbot, QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click()
        )
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    when_modal(qtbot, QInputDialog, new_key)
    import_from(win, f)
    qtbot.waitUntil(lambda: win.desk.plan.code == "digital_copy", timeout=30_000)
    assert "計画キー「digital_2」はすでに計画「金沢市デジタル戦略2.0」が使っています" in asked[0]
    assert _switcher(win).count("金沢市デジタル戦略2.0") == 2


def test_a_department_takes_a_new_plan_with_the_masters_workbook(
    qtbot, open_window, tmp_path, settings
):
    """The secretariat's master workbook of a plan the PC lacks: the import says it adds the
    plan, applies it, and the switcher lists it with the department's items."""
    from PySide6.QtWidgets import QPushButton as Button

    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import Desk
    from kanazawa_desktop.services.plan_io import import_plan
    from kanazawa_desktop.ui import exchange_actions

    with Desk.open(tmp_path / "sec.sqlite3") as sec:
        sec.set_role(secretariat=True)
        import_plan(sec, plan_workbook(tmp_path / "r9.xlsx"))
        with sec.on_plan("gyosei_r9"):
            master = X.export_workbook(sec, tmp_path / "r9_master.xlsx").path
    win = open_window(tmp_path / "jinji.sqlite3", settings, department="人事課")
    dlg = exchange_actions.open_import(win)
    dlg.add_files([master])
    qtbot.mouseClick(dlg.findChild(Button, "previewImport"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dlg.previews) == 1, timeout=15000)
    assert (
        "新しい計画「金沢市行政経営プラン（令和9年度～）」を追加します"
        in dlg.previews[master].summary()
    )
    apply_import(qtbot, dlg)
    qtbot.waitUntil(lambda: bool(dlg.applied), timeout=15000)
    dlg.close()
    qtbot.waitUntil(lambda: "金沢市行政経営プラン（令和9年度～）" in _switcher(win), timeout=5000)
    box = win.plan_box
    i = box.findText("金沢市行政経営プラン（令和9年度～）")
    box.setCurrentIndex(i)
    box.activated.emit(i)
    assert win.desk.plan.code == "gyosei_r9"
    assert {m.key for m in win.desk.measures("人事課")} >= {"No.1", "No.2"}
