"""A window on a shared server follows what another person commits, within a second."""

from __future__ import annotations

import subprocess
import sys

import pytest
from gui_helpers import select_measure, when_modal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.services.desk import Desk

pytestmark = pytest.mark.gui

SAVE = """
import sys
from kanazawa_desktop.domain.location import parse_server
from kanazawa_desktop.services.desk import Desk
with Desk.open(parse_server(sys.argv[1]), create=False) as d:
    m = next(m for m in d.measures() if m.number == int(sys.argv[2]))
    d.save(m.id, {(2023, "result_text"): sys.argv[3], (2023, "status"): "achieved"})
"""


def _another_person_saves(server, number: int, text: str) -> None:
    subprocess.run(
        [sys.executable, "-c", SAVE, server.display, str(number), text],
        check=True,
        timeout=60,
        capture_output=True,
    )


@pytest.fixture
def server_window(server, open_window, settings):
    with Desk.open(server) as d:
        d.set_role(secretariat=True)
    return open_window(server, settings)


def test_another_persons_save_reaches_the_form_and_the_list(qtbot, server_window, server):
    win = server_window
    select_measure(qtbot, win, 10)
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    _another_person_saves(server, 10, "他の人が保存した実施結果")
    qtbot.waitUntil(lambda: result.value() == "他の人が保存した実施結果", timeout=3000)
    row = win.list_model.row_of(win.form.measure.id)
    assert win.list_model.index(row, 3).data() == "達成"  # the 一覧's R5 status follows
    hist = win.history_model
    assert hist.rowCount() >= 1  # the history shows the other person's entry


def test_typed_text_is_kept_and_its_save_asks(qtbot, server_window, server):
    win = server_window
    select_measure(qtbot, win, 10)
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    qtbot.mouseClick(result.edit.viewport(), Qt.MouseButton.LeftButton)
    result.edit.setPlainText("入力中の文章")
    _another_person_saves(server, 10, "先に保存された文章")
    qtbot.waitUntil(
        lambda: "他の人が更新しました" in win.statusBar().currentMessage(), timeout=3000
    )
    assert result.value() == "入力中の文章"  # nothing typed is lost
    when_modal(
        qtbot,
        QMessageBox,
        lambda box: next(b for b in box.buttons() if b.text() == "自分の入力で上書き").click(),
    )
    win.form.commit()
    with Desk.open(server) as d:
        m = next(m for m in d.measures() if m.number == 10)
        assert m.years[2023].result_text == "入力中の文章"


def test_a_change_the_desk_read_first_still_reaches_the_screen(qtbot, server_window, server):
    """The desk's own freshness check may read the notification off the socket before Qt
    sees the socket readable: the window must still be told."""
    import select
    import time

    win = server_window
    select_measure(qtbot, win, 10)
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    _another_person_saves(server, 10, "先に読まれた変更")
    fd = win.desk.server_socket()
    assert select.select([fd], [], [], 5)[0]  # arrived; the event loop has not run since
    time.sleep(0.3)  # the commit's every packet
    win.desk.search_ready()  # a read on the GUI thread: checks freshness, drains the socket
    assert not select.select([fd], [], [], 0)[0]  # nothing left for the socket notifier
    qtbot.waitUntil(lambda: result.value() == "先に読まれた変更", timeout=3000)


def test_the_window_rides_out_a_server_restart(qtbot, own_cluster, open_window, settings):
    from kanazawa_desktop.domain.location import parse_server

    server = parse_server(own_cluster.create_database("city"))
    with Desk.open(server) as d:
        d.set_role(secretariat=True)
    win = open_window(server, settings)
    select_measure(qtbot, win, 10)
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    own_cluster.halt()
    qtbot.waitUntil(lambda: "接続が切れました" in win.statusBar().currentMessage(), timeout=5000)
    own_cluster.start()
    qtbot.waitUntil(lambda: "接続し直しました" in win.statusBar().currentMessage(), timeout=15_000)
    _another_person_saves(server, 10, "再開後に保存された実施結果")
    qtbot.waitUntil(lambda: result.value() == "再開後に保存された実施結果", timeout=5000)


def test_an_uncaught_desk_error_is_said_in_the_window(qtbot, server_window, monkeypatch):
    """The app's last net (ui/error_hook, installed by run_window): a DeskError no slot
    caught reaches the person in Japanese; anything else goes on to the previous hook."""
    import sys

    from kanazawa_desktop.domain.errors import StoreError
    from kanazawa_desktop.ui import error_hook

    passed_on: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, exc, tb: passed_on.append(exc))
    error_hook.install()
    when_modal(qtbot, QMessageBox, lambda box: box.accept())
    sys.excepthook(StoreError, StoreError("サーバーとの接続が切れました"), None)
    assert "サーバーとの接続が切れました" in server_window.statusBar().currentMessage()
    bug = ValueError("a bug")
    sys.excepthook(ValueError, bug, None)
    assert passed_on == [bug]


def test_changes_still_arrive_after_switching_plans(qtbot, server_window, server):
    """Switching plan pauses listening while the views are rebuilt; it must listen again."""
    from kanazawa_desktop.services.paths import BUNDLED_PLANS

    win = server_window
    first = win.desk.plan.code
    other = next(code for code, _ in BUNDLED_PLANS if code != first)
    win.switch_plan(other)
    win.switch_plan(first)
    select_measure(qtbot, win, 10)
    result = win.form.editors[(2023, F.RESULT_TEXT)]
    _another_person_saves(server, 10, "切り替え後に保存された実施結果")
    qtbot.waitUntil(lambda: result.value() == "切り替え後に保存された実施結果", timeout=3000)
