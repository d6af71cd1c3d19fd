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


def _answer_every_box(seen: list[str]):  # type: ignore[no-untyped-def]
    """Until stopped: the close question is answered 閉じない, any other box accepted."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def tick() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            seen.append(box.text())
            if "閉じると入力した内容は失われます" in box.text():
                box.escapeButton().click()
            else:
                box.accept()

    timer = QTimer()
    timer.setInterval(100)
    timer.timeout.connect(tick)
    timer.start()
    return timer


def test_a_measure_moved_away_while_typing_keeps_the_text_and_asks_on_close(
    qtbot, server, open_window, settings
):
    """The secretariat gives the measure to another department while a 人事課 login types in
    it: the save and the draft are both refused (the server's row policies); the text stays
    on screen and closing says why it would be lost."""
    from gui_helpers import when_modal
    from PySide6.QtWidgets import QMessageBox

    win, result, _others = _typing_in_a_measure_given_away(qtbot, server, open_window, settings)
    seen: list[str] = []
    timer = _answer_every_box(seen)
    try:
        win.form.commit()
        assert result.value() == "移管前に入力した実施結果"
        win.close()
        asked = [t for t in seen if "閉じると入力した内容は失われます" in t]
        assert asked and "理由:" in asked[0], seen
        assert win.isVisible()
        assert result.value() == "移管前に入力した実施結果"
    finally:
        timer.stop()
    # the person copied the text elsewhere and closes knowingly
    when_modal(
        qtbot,
        QMessageBox,
        lambda box: next(b for b in box.buttons() if b.text() == "入力を破棄して閉じる").click(),
    )
    win.close()
    assert not win.isVisible()


def test_a_window_left_with_unkept_text_is_torn_down_without_a_crash(qtbot, outage):
    """What this checks happens in the teardown: a test that ends with the server down and
    text on screen has its window closed (the question dismissed, the window kept) and then
    destroyed while asking again. The box was gone when closeEvent asked it which button
    was clicked; shiboken crashed the whole run (SIGSEGV) printing that RuntimeError."""
    win, _server, cluster = outage
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    qtbot.mouseClick(result.edit.viewport(), Qt.MouseButton.LeftButton)
    cluster.halt()
    result.edit.setPlainText("停止中のまま終わるテスト")
    assert not win.form.write_drafts()
    assert win.form.unkept() is not None


def test_choosing_another_measure_while_the_server_is_down_keeps_the_typed_text(qtbot, outage):
    win, server, cluster = outage
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    qtbot.mouseClick(result.edit.viewport(), Qt.MouseButton.LeftButton)
    cluster.halt()
    result.edit.setPlainText("移動前に入力した実施結果")
    win.open_measure(next(r.id for r in win.desk.rows() if r.number == 11))
    assert win.form.measure.number == 10  # stayed
    assert result.value() == "移動前に入力した実施結果"
    assert "この取組に留まります" in win.statusBar().currentMessage()
    cluster.start()
    win.form.commit()
    assert _stored(server, 10) == "移動前に入力した実施結果"


def test_a_refused_text_is_not_dropped_by_opening_another_measure(
    qtbot, server, open_window, settings
):
    """The server is up but no longer lets this login keep its text (the measure went to
    another department): choosing another measure must not load over it."""
    win, result, own = _typing_in_a_measure_given_away(qtbot, server, open_window, settings)
    typed_in = win.form.measure.number
    win.open_measure(next(r.id for r in win.desk.rows() if r.number == own[1]))
    assert win.form.measure.number == typed_in
    assert result.value() == "移管前に入力した実施結果"
    assert "この取組に留まります" in win.statusBar().currentMessage()
    win.form.release()  # the person has read it; the test's teardown need not ask


def _typing_in_a_measure_given_away(qtbot, server, open_window, settings):
    """A 人事課 login types in one of its measures, which the secretariat then gives to
    財政課: (window, the 実施結果 editor, 人事課's measure numbers)."""
    import psycopg

    from kanazawa_desktop.services.server_users import add_user

    with Desk.open(server) as d:
        d.set_role(secretariat=True)
        add_user(d, f"jinji_{server.dbname}", "password123", "人事課")
        own = [m.number for m in d.measures() if list(m.departments) == ["人事課"]]
    win = open_window(server.as_user(f"jinji_{server.dbname}", "password123"), settings)
    select_measure(qtbot, win, own[0])
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    qtbot.mouseClick(result.edit.viewport(), Qt.MouseButton.LeftButton)
    result.edit.setPlainText("移管前に入力した実施結果")
    with psycopg.connect(
        host=server.host, port=server.port, dbname=server.dbname, user=server.user,
        autocommit=True, connect_timeout=10,
    ) as con:  # fmt: skip
        con.execute(
            "UPDATE measure_department SET department_id ="
            " (SELECT id FROM department WHERE name = '財政課') WHERE measure_id = %s",
            [win.form.measure.id],
        )
    return win, result, own
