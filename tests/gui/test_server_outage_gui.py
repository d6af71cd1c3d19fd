"""Typing on a shared server that stops: nothing typed is lost. While the server is away the
text can be neither saved nor kept as a draft there; it stays on screen, the window says so
(no exception escapes a slot), and it is saved once the server is back."""

from __future__ import annotations

import pytest
from gui_helpers import select_measure
from PySide6.QtCore import Qt

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.services.desk import Desk

pytestmark = pytest.mark.gui


@pytest.fixture
def outage(qtbot, own_cluster, open_window, settings):
    from kanazawa_desktop.domain.location import parse_server

    server = parse_server(own_cluster.create_database("city"))
    with Desk.open(server) as d:
        d.set_role(secretariat=True)
    win = open_window(server, settings)
    select_measure(qtbot, win, 10)
    return win, server, own_cluster


def _stored(server, number: int) -> str:
    with Desk.open(server) as d:
        m = next(m for m in d.measures() if m.number == number)
        return m.years[2023].result_text


def test_text_typed_while_the_server_is_down_is_kept_and_saved_later(qtbot, outage):
    win, server, cluster = outage
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    qtbot.mouseClick(result.edit.viewport(), Qt.MouseButton.LeftButton)
    cluster.halt()
    result.edit.setPlainText("停止中に入力した実施結果")
    win.form.write_drafts()  # the draft timer's slot: the server is away
    win.form.commit()  # the focus-out's save: refused, said, nothing raised
    assert result.value() == "停止中に入力した実施結果"
    assert "接続が切れました" in win.statusBar().currentMessage()
    cluster.start()
    win.form.commit()
    assert _stored(server, 10) == "停止中に入力した実施結果"


def test_closing_while_the_server_is_down_asks_and_keeps_the_window(qtbot, outage):
    """Closing would lose text that is neither saved nor a draft: asked, and by default the
    window stays open with the text; once the server is back, closing saves it."""
    from gui_helpers import when_modal
    from PySide6.QtWidgets import QMessageBox

    win, server, cluster = outage
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    qtbot.mouseClick(result.edit.viewport(), Qt.MouseButton.LeftButton)
    cluster.halt()
    result.edit.setPlainText("閉じる前に入力した実施結果")
    asked: list[str] = []

    def keep(box: QMessageBox) -> None:
        if "閉じると入力した内容は失われます" in box.text():
            asked.append(box.text())
            box.escapeButton().click()
        else:  # the notice that the save failed
            box.accept()

    when_modal(qtbot, QMessageBox, keep)
    win.close()
    assert asked
    assert win.isVisible()
    assert result.value() == "閉じる前に入力した実施結果"
    cluster.start()
    win.close()
    assert not win.isVisible()
    assert _stored(server, 10) == "閉じる前に入力した実施結果"


def test_switching_plan_while_the_server_is_down_keeps_the_typed_text(qtbot, outage):
    from kanazawa_desktop.services.paths import BUNDLED_PLANS

    win, server, cluster = outage
    first = win.desk.plan.code
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    qtbot.mouseClick(result.edit.viewport(), Qt.MouseButton.LeftButton)
    cluster.halt()
    result.edit.setPlainText("切り替え前に入力した実施結果")
    win.switch_plan(next(code for code, _ in BUNDLED_PLANS if code != first))
    assert win.desk.plan.code == first
    assert win.form.editors[(2023, F.RESULT_TEXT)].value() == "切り替え前に入力した実施結果"
    cluster.start()
    win.form.commit()
    assert _stored(server, 10) == "切り替え前に入力した実施結果"
