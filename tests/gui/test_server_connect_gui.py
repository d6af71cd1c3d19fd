"""Reaching a shared server from the window: the login question, and ファイル →
共有サーバーに接続… replacing a file's window by the server's."""

from __future__ import annotations

import pytest
from gui_helpers import when_modal
from PySide6.QtWidgets import QDialog

from kanazawa_desktop.domain.location import Server
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.services.server_users import add_user
from kanazawa_desktop.ui.server_dialog import ServerDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def city(server) -> Server:
    with Desk.open(server) as d:
        d.set_role(secretariat=True)
        add_user(d, f"jinji_{server.dbname}", "password123", "人事課")
    return server


def test_a_refused_login_asks_again_and_opens_the_department(qtbot, open_window, settings, city):
    seen: list[str] = []

    def fix_login(dlg: ServerDialog) -> None:
        seen.append(dlg.message.text())
        assert dlg.host.text() == city.host and dlg.dbname.text() == city.dbname
        dlg.user.setText(f"jinji_{city.dbname}")
        dlg.password.setText("password123")
        dlg.accept()

    when_modal(qtbot, ServerDialog, fix_login)
    win = open_window(city.as_user("nobody_here"), settings)
    assert "ログインを拒否しました" in seen[0]
    assert win.desk.role.department == "人事課"
    assert "人事課" in win.windowTitle()
    assert f"jinji_{city.dbname}" == win.desk.actor.user


def test_the_file_menu_moves_the_window_onto_the_server(
    qtbot, open_window, db_path, settings, city
):
    win = open_window(db_path, settings, department="人事課")
    action = next(a for a in win.file_menu.actions() if a.text() == "共有サーバーに接続…")

    def fill(dlg: QDialog) -> None:
        dlg.host.setText(city.host)
        dlg.port.setValue(city.port)
        dlg.dbname.setText(city.dbname)
        dlg.user.setText(f"jinji_{city.dbname}")
        dlg.password.setText("password123")
        dlg.accept()

    when_modal(qtbot, ServerDialog, fill)
    action.trigger()
    new = win.replacement
    assert new.isVisible() and not win.isVisible()
    assert isinstance(new.desk.path, Server) and new.desk.role.department == "人事課"
    assert settings.value("server/last") == city.as_user(f"jinji_{city.dbname}").display
    assert "password123" not in str(dict((k, settings.value(k)) for k in settings.allKeys()))


def test_an_unreachable_server_keeps_the_window_and_says_why(qtbot, open_window, db_path, settings):
    win = open_window(db_path, settings, department="人事課")
    action = next(a for a in win.file_menu.actions() if a.text() == "共有サーバーに接続…")
    messages: list[str] = []

    def cancel(dlg: QDialog) -> None:
        messages.append(dlg.message.text())
        dlg.reject()

    def wrong(dlg: QDialog) -> None:
        dlg.host.setText("127.0.0.1")
        dlg.port.setValue(1)
        dlg.dbname.setText("city")
        dlg.user.setText("someone")
        when_modal(qtbot, ServerDialog, cancel)  # asked again, with the reason
        dlg.accept()

    when_modal(qtbot, ServerDialog, wrong)
    action.trigger()
    assert win.isVisible() and getattr(win, "replacement", None) is None
    assert any("サーバーに接続できません" in m for m in messages)


def _started(qtbot, gui_windows, db_path, settings):
    """What `kanazawa-desktop` without --db shows: start(resume_server=True)."""
    from kanazawa_desktop.app import start

    _app, win = start(db_path, settings, resume_server=True)
    assert win is not None
    gui_windows.append(win)
    qtbot.addWidget(win)
    win.show()
    return win


def test_the_next_start_goes_back_to_the_server_and_the_menu_comes_home(
    qtbot, gui_windows, tmp_path, settings, city, monkeypatch
):
    home = tmp_path / "home.sqlite3"
    with Desk.open(home) as d:
        d.set_role(department="人事課")
        own = next(m.id for m in d.measures() if "人事課" in m.departments)
        d.save(own, {(2024, "result_text"): "このパソコンの記入"})
    monkeypatch.setenv("KANAZAWA_DESKTOP_DB", str(home))
    jinji = city.as_user(f"jinji_{city.dbname}")
    settings.setValue("server/last", jinji.display)
    settings.setValue("server/resume", "true")
    win = _started(qtbot, gui_windows, home, settings)
    assert isinstance(win.desk.path, Server) and win.desk.actor.user == jinji.user
    home_action = next(
        a for a in win.file_menu.actions() if a.text() == "このパソコンのデータベースに戻る"
    )
    home_action.trigger()
    new = win.replacement
    gui_windows.append(new)
    assert new.isVisible() and not win.isVisible()
    assert new.desk.path == home and new.desk.role.department == "人事課"
    assert new.desk.measure(own).years[2024].result_text == "このパソコンの記入"
    assert "このパソコンのデータベースに戻る" not in [a.text() for a in new.file_menu.actions()]
    # the department is a setting of a file, and the login on a server: no dead end there
    assert "利用する部署の変更…" in [a.text() for a in new.file_menu.actions()]
    assert "利用する部署の変更…" not in [a.text() for a in win.file_menu.actions()]
    assert settings.value("server/resume") == "false"
    again = _started(qtbot, gui_windows, home, settings)  # and the next start stays home
    assert again.desk.path == home


def test_an_unreachable_last_server_asks_and_cancelling_opens_this_pcs_file(
    qtbot, gui_windows, db_path, settings
):
    with Desk.open(db_path) as d:
        d.set_role(department="人事課")
    settings.setValue("server/last", "postgresql://someone@127.0.0.1:1/city")
    settings.setValue("server/resume", "true")
    messages: list[str] = []

    def cancel(dlg: ServerDialog) -> None:
        messages.append(dlg.message.text())
        assert dlg.port.value() == 1 and dlg.dbname.text() == "city"
        dlg.reject()

    when_modal(qtbot, ServerDialog, cancel)
    win = _started(qtbot, gui_windows, db_path, settings)
    assert messages and "接続できません" in messages[0]
    assert win.desk.path == db_path and win.desk.role.department == "人事課"
