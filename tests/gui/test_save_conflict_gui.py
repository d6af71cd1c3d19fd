"""Two people on one field: the form saves over what it showed, and a field someone else
saved while this person typed asks which value to keep (ui/save_conflict)."""

from __future__ import annotations

import pytest
from gui_helpers import select_measure, when_modal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.services.desk import Desk

pytestmark = pytest.mark.gui


def _type_and_meet_another_save(qtbot, win, db_path, mine: str, theirs: str):
    select_measure(qtbot, win, 10)
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    qtbot.mouseClick(result.edit.viewport(), Qt.MouseButton.LeftButton)
    result.edit.setPlainText(mine)  # typed, not yet saved (kanji: setText, see gui_helpers)
    mid = win.form.measure.id
    with Desk.open(db_path) as other:  # another person saves the same field meanwhile
        other.source = "form"
        other.save(mid, {(2023, F.RESULT_TEXT): theirs})
    return result, mid


@pytest.mark.parametrize("choice", ["保存されている値にする", "自分の入力で上書き"])
def test_a_field_saved_meanwhile_asks_which_value_to_keep(
    qtbot, open_window, db_path, settings, choice
):
    win = open_window(db_path, settings, department="人事課")
    result, mid = _type_and_meet_another_save(qtbot, win, db_path, "私の入力", "先に保存された値")
    seen: list[str] = []

    def answer(box):
        assert box.objectName() == "saveConflict"
        seen.append(box.text() + "\n" + box.informativeText())
        next(b for b in box.buttons() if b.text() == choice).click()

    when_modal(qtbot, QMessageBox, answer)
    win.form.commit()
    assert "入力している間に他の人が保存しました" in seen[0]
    assert "先に保存された値" in seen[0] and "私の入力" in seen[0]
    with Desk.open(db_path) as d:
        stored = d.measure(mid).years[2023].result_text
        writes = [h for h in d.history(mid) if h.field == F.RESULT_TEXT]
    if choice == "自分の入力で上書き":
        assert stored == "私の入力" and result.value() == "私の入力"
        assert [h.new for h in writes] == ["私の入力", "先に保存された値"]  # both recorded
    else:
        assert stored == "先に保存された値" and result.value() == "先に保存された値"
        assert len(writes) == 1
        assert not win.form.dirty()
        with Desk.open(db_path) as d:
            assert mid not in d.drafts()  # the typed text is not brought back as a draft


def test_deciding_later_keeps_the_text_and_saves_nothing(qtbot, open_window, db_path, settings):
    win = open_window(db_path, settings, department="人事課")
    result, mid = _type_and_meet_another_save(qtbot, win, db_path, "あとで決める入力", "他の値")

    def later(box):
        next(b for b in box.buttons() if b.text() == "あとで決める").click()

    when_modal(qtbot, QMessageBox, later)
    win.form.commit()
    assert result.value() == "あとで決める入力"
    with Desk.open(db_path) as d:
        assert d.measure(mid).years[2023].result_text == "他の値"
        assert d.drafts()[mid][(2023, F.RESULT_TEXT)] == "あとで決める入力"
    # closing the window asks again (the text is still undecided); the stored value is kept
    when_modal(qtbot, QMessageBox, lambda box: next(
        b for b in box.buttons() if b.text() == "保存されている値にする").click())  # fmt: skip
    win.close()
    with Desk.open(db_path) as d:
        assert d.measure(mid).years[2023].result_text == "他の値"
        assert mid not in d.drafts()
