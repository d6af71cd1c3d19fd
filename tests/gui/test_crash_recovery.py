"""Typing survives a hard crash: the process dies mid-edit, the text comes back on restart."""

import os
import subprocess
import sys
import textwrap

import pytest

from kanazawa_desktop.domain import fields as F

pytestmark = pytest.mark.gui

CHILD = textwrap.dedent(r"""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from pathlib import Path
    from PySide6.QtCore import QSettings, QTimer
    from kanazawa_desktop.app import start
    db, ini = Path(sys.argv[1]), sys.argv[2]
    app, win = start(db, QSettings(ini, QSettings.Format.IniFormat))
    win.show()
    mid = next(r.id for r in win.desk.rows() if r.number == 23)
    win.open_measure(mid)
    edit = win.form.editors[(2023, "result_text")].edit
    edit.setFocus()
    from PySide6.QtGui import QInputMethodEvent
    ev = QInputMethodEvent("", [])
    ev.setCommitString("停電の直前まで入力していた文章")  # as a Japanese IME commits it
    app.sendEvent(edit, ev)
    def crash():
        os._exit(9)  # no close, no save: like a power cut
    QTimer.singleShot(1500, crash)  # long enough for the draft timer (400 ms)
    app.exec()
""")


def test_text_comes_back_after_a_crash(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from kanazawa_desktop.app import start
    from kanazawa_desktop.services.desk import Desk

    db = tmp_path / "crash.sqlite3"
    with Desk.open(db) as d:
        d.set_role(department="人事課")
    ini = str(tmp_path / "s.ini")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), ini],
        env=env,
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 9, out.stderr[-2000:]
    _app, win = start(db, QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    assert win.form.measure.number == 23
    assert win.form.editors[(2023, F.RESULT_TEXT)].value() == "停電の直前まで入力していた文章"
    assert "復元" in win.statusBar().currentMessage()
    win.close()  # closing saves the restored text
    with Desk.open(db) as d:
        mid = next(r.id for r in d.rows() if r.number == 23)
        assert d.measure(mid).year(2023).result_text == "停電の直前まで入力していた文章"
        assert d.drafts() == {}
