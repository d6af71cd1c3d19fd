"""The shared modal helper is bounded: it never leaves a test blocked in exec()."""

from __future__ import annotations

import pytest
from gui_helpers import when_modal
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

pytestmark = pytest.mark.gui


def _messages(caught):
    return [str(exc) for _type, exc, _tb in caught]


def test_a_dialog_that_never_comes_fails_and_the_open_one_is_rejected(qtbot):
    with qtbot.capture_exceptions() as caught:
        when_modal(qtbot, QFileDialog, lambda d: d.accept(), timeout=500)
        assert QDialog().exec() == QDialog.DialogCode.Rejected
    [msg] = _messages(caught)
    assert "a modal QFileDialog did not appear within 500 ms" in msg and "QDialog" in msg


def test_an_act_that_leaves_the_dialog_open_fails(qtbot):
    with qtbot.capture_exceptions() as caught:
        when_modal(qtbot, QDialog, lambda d: None, timeout=500)
        assert QDialog().exec() == QDialog.DialogCode.Rejected
    [msg] = _messages(caught)
    assert "still open 500 ms after the test acted on it" in msg


def test_an_act_that_fails_rejects_the_dialog_and_reports_the_failure(qtbot):
    def act(dlg):
        raise AssertionError("the act's own assertion")

    with qtbot.capture_exceptions() as caught:
        when_modal(qtbot, QDialog, act, timeout=5000)
        assert QDialog().exec() == QDialog.DialogCode.Rejected
    assert _messages(caught) == ["the act's own assertion"]


def test_it_acts_on_the_active_dialog_of_the_kind(qtbot):
    seen = []

    def act(dlg):
        seen.append((type(dlg), dlg.isActiveWindow()))
        dlg.accept()

    with qtbot.capture_exceptions() as caught:
        when_modal(qtbot, QMessageBox, act)
        box = QMessageBox(QMessageBox.Icon.Information, "確認", "本文")
        box.exec()
    assert not caught and seen == [(QMessageBox, True)]
