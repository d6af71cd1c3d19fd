"""バックアップ: a verified, self-contained copy of the open database, from the window and the command line."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import run_cli

from kanazawa_desktop.domain.errors import InvalidValue
from kanazawa_desktop.services.backup import default_name, save_backup
from kanazawa_desktop.services.desk import Desk


@pytest.mark.sqlite_file
def test_backup_holds_everything_and_is_one_file(secretariat, tmp_path):
    m = next(m for m in secretariat.measures() if m.number == 10)
    secretariat.save(
        m.id, {(2023, "result_text"): "バックアップ前の記入"}
    )  # still in the -wal file
    out = save_backup(secretariat, tmp_path / "copy.sqlite3").path
    assert not out.with_name(out.name + "-wal").exists() and not list(tmp_path.glob(".copy*"))
    con = sqlite3.connect(out)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()
    with Desk.open(out) as copy:
        assert copy.role.is_secretariat
        got = next(x for x in copy.measures() if x.number == 10)
        assert got.year(2023).result_text == "バックアップ前の記入"
        assert copy.history(got.id)[0].new == "バックアップ前の記入"


@pytest.mark.sqlite_file
def test_backup_into_a_folder_gets_a_dated_name(secretariat, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    out = save_backup(secretariat, folder).path
    assert out.parent == folder and out.name.startswith(secretariat.path.stem + "_")
    assert default_name(secretariat.path).endswith(".sqlite3")


@pytest.mark.sqlite_file
def test_backup_refuses_its_own_file_and_a_missing_folder(secretariat, tmp_path):
    before = secretariat.path.read_bytes()
    with pytest.raises(InvalidValue, match="そのもの"):
        save_backup(secretariat, secretariat.path)
    assert secretariat.path.read_bytes() == before
    with pytest.raises(InvalidValue, match="フォルダーがありません"):
        save_backup(secretariat, tmp_path / "nope" / "x.sqlite3")


def test_backup_command(tmp_path):
    db = tmp_path / "db.sqlite3"
    assert run_cli("--db", str(db), "init", "--department", "人事課").returncode == 0
    r = run_cli("--db", str(db), "backup", str(tmp_path / "b.sqlite3"))
    assert r.returncode == 0 and "バックアップを保存しました" in r.stdout
    with Desk.open(tmp_path / "b.sqlite3") as copy:
        assert copy.role.department == "人事課"
    r = run_cli("--db", str(db), "backup", str(tmp_path / "none" / "b.sqlite3"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "フォルダー" in r.stderr


@pytest.mark.gui
def test_backup_from_the_window_keeps_what_is_typed(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from kanazawa_desktop.app import start
    from kanazawa_desktop.domain import fields as F
    from kanazawa_desktop.ui import backup_action

    db = tmp_path / "db.sqlite3"
    with Desk.open(db) as d:
        d.set_role(department="人事課")
    _app, win = start(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    assert any(a.objectName() == "actBackup" for a in win.file_menu.actions())
    editor = win.form.editors[(2023, F.RESULT_TEXT)]
    editor.edit.setFocus()
    qtbot.keyClicks(editor.edit, "typed before backup")  # not yet saved: the backup saves it first
    assert backup_action.save_to(win, tmp_path / "b.sqlite3")
    assert "バックアップを保存しました" in win.statusBar().currentMessage()
    with Desk.open(tmp_path / "b.sqlite3") as copy:
        assert copy.measure(win.form.measure.id).year(2023).result_text == "typed before backup"
    win.close()
