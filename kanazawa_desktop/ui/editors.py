"""Small field editors with one interface: value(), set_value(), set_editable(), `edited`.

Text editors keep Tab for moving focus and leave Ctrl+Z / Ctrl+Y to the window. The window
undoes by the focused editor's own steps first (`undo_step`: what was typed since the field
was last saved) and only then by saved field edits (services.desk.Desk.undo); a save makes
the editor forget its steps (`forget_steps`), so the two never undo the same typing twice.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..domain.achievement import format_number
from ..domain.model import RESOURCE_LABELS, RESOURCES
from ..domain.status import STATUS_LABELS, Status

READONLY_STYLE = "background: #f3f3f3; color: #222;"
INVALID_STYLE = "background: #fde7e7; border: 1px solid #c62828;"
PROBLEM_STYLE = "color: #c62828; font-size: 9pt;"


class _LeaveUndoToWindow(QObject):
    """Let Ctrl+Z/Ctrl+Y reach the window's actions instead of the text widget."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ShortcutOverride and (
            event.matches(QKeySequence.StandardKey.Undo)
            or event.matches(QKeySequence.StandardKey.Redo)
            or event.matches(QKeySequence.StandardKey.Save)
        ):
            event.ignore()
            return True
        return False


_FILTER = _LeaveUndoToWindow()


class _WheelScrollsTheSheet(QObject):
    """A wheel turn over a drop-down the person has not chosen goes to the sheet (scrolls),
    never into the drop-down: a status must not change, and be saved, by scrolling past."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Wheel and isinstance(obj, QWidget) and not obj.hasFocus():
            event.ignore()
            return True
        return False


_WHEEL = _WheelScrollsTheSheet()


READONLY_TIP = (
    "この欄は変更できません（事務局が入力する欄、または他の課・【再掲】・廃止の取組です）"
)


def restyle(widget: QWidget, style: str) -> None:
    """Set a widget's style sheet when it differs: setting one re-polishes the widget even when
    it is the same text, which cost a measure switch several ms at every field."""
    if widget.styleSheet() != style:
        widget.setStyleSheet(style)


def _set_text_editable(edit: QWidget, editable: bool) -> None:
    """Read-only text stays selectable (to copy) but says why it cannot be typed into."""
    edit.setReadOnly(not editable)
    restyle(edit, "" if editable else READONLY_STYLE)
    edit.setFocusPolicy(Qt.FocusPolicy.StrongFocus if editable else Qt.FocusPolicy.ClickFocus)
    edit.setToolTip("" if editable else edit.tr(READONLY_TIP))


class FieldEditor(QWidget):
    """Base: `edited` fires on every change; `committed` when the edit should be saved now."""

    edited = Signal()
    committed = Signal()
    text_like = False  # typed text is kept as a draft until saved

    def value(self) -> object:
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        raise NotImplementedError

    def raw_text(self) -> str:
        return str(self.value())

    def set_raw_text(self, text: str) -> None:
        self.set_value(text)

    def set_editable(self, editable: bool) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self

    def say_closed(self, reason: str) -> None:
        """Why this (read-only) box cannot change, over it: a closed fiscal year's reason; ''
        when the year is open again (the role's own tip, set by set_editable, stays)."""
        if reason:
            self.setToolTip(reason)
            self.focus_widget().setToolTip(reason)
        elif not isinstance(self, ComboEditor):  # a combo's tip is set_editable's
            self.setToolTip("")

    def cursor_to_end(self) -> None:
        """Put the text cursor after the text (text editors; others have none)."""

    def undo_step(self, redo: bool = False) -> bool:
        """Undo (or redo) one of the editor's own typing steps; False when it has none."""
        return False

    def forget_steps(self) -> None:
        """The text was saved: its typing steps are now one saved edit of the window's."""

    _problem: QLabel | None = None

    def mark_invalid(self, message: str | None) -> None:
        """Tint the field and say the reason in place (a line under a text field, and its
        tooltip); None clears both. Marking it again keeps the style it had before."""
        w = self.focus_widget()
        if message:
            if w.property("invalidStyleSaved") is None:
                w.setProperty("invalidStyleSaved", w.styleSheet())
            w.setStyleSheet(INVALID_STYLE)
            w.setToolTip(message)
        elif w.property("invalidStyleSaved") is not None:
            w.setStyleSheet(w.property("invalidStyleSaved"))
            w.setProperty("invalidStyleSaved", None)
            w.setToolTip("")
        self._show_problem(message)

    def _show_problem(self, message: str | None) -> None:
        lay = self.layout()
        if not isinstance(lay, QVBoxLayout):  # drop-downs and check boxes are never refused
            return
        if self._problem is None:
            if not message:
                return
            self._problem = QLabel(self)
            self._problem.setObjectName("problem")
            self._problem.setWordWrap(True)
            self._problem.setStyleSheet(PROBLEM_STYLE)
            lay.addWidget(self._problem)
        self._problem.setText(message or "")
        self._problem.setVisible(bool(message))

    def problem(self) -> str:
        """The reason shown under the field now ("" when none)."""
        return (
            self._problem.text()
            if self._problem is not None and self._problem.isVisibleTo(self)
            else ""
        )


class TextEditor(FieldEditor):
    """Multi-line Japanese text (IME-friendly QPlainTextEdit)."""

    text_like = True

    def __init__(
        self, min_lines: int = 3, parent: QWidget | None = None, *, grow: bool = True
    ) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)
        self.edit.installEventFilter(_FILTER)
        self.edit.installEventFilter(self)
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        h = self.edit.fontMetrics().lineSpacing() * min_lines + 14
        self.edit.setMinimumHeight(h)
        if grow:
            self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        else:  # definition texts: compact, scroll inside when longer
            self.edit.setFixedHeight(h)
            self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        lay = QVBoxLayout(self)  # the box, and under it the reason a value is refused
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.edit)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self.edited)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.edit and event.type() == QEvent.Type.FocusOut:
            self.committed.emit()
        return False

    def value(self) -> object:
        return self.edit.toPlainText()

    def set_value(self, value: object) -> None:
        self.edit.blockSignals(True)
        self.edit.setPlainText("" if value is None else str(value))
        self.edit.blockSignals(False)

    def set_editable(self, editable: bool) -> None:
        _set_text_editable(self.edit, editable)

    def focus_widget(self) -> QWidget:
        return self.edit

    def cursor_to_end(self) -> None:
        self.edit.moveCursor(QTextCursor.MoveOperation.End)

    def undo_step(self, redo: bool = False) -> bool:
        doc = self.edit.document()
        if self.edit.isReadOnly() or not (doc.isRedoAvailable() if redo else doc.isUndoAvailable()):
            return False
        self.edit.redo() if redo else self.edit.undo()
        return True

    def forget_steps(self) -> None:
        self.edit.document().clearUndoRedoStacks()


class ListEditor(TextEditor):
    """A list, one item per line (関連計画)."""

    def value(self) -> object:
        return [line.strip() for line in self.edit.toPlainText().splitlines() if line.strip()]

    def set_value(self, value: object) -> None:
        super().set_value("\n".join(value or []))  # type: ignore[arg-type]

    def raw_text(self) -> str:
        return self.edit.toPlainText()

    def set_raw_text(self, text: str) -> None:
        TextEditor.set_value(self, text)


class LineEditor(FieldEditor):
    text_like = True

    def __init__(self, parent: QWidget | None = None, *, numeric: bool = False) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.numeric = numeric
        if numeric:
            self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.installEventFilter(_FILTER)
        lay = QVBoxLayout(self)  # the box, and under it the reason a value is refused
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.edit)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self.edited)
        self.edit.editingFinished.connect(self.committed)

    def value(self) -> object:
        return self.edit.text()

    def set_value(self, value: object) -> None:
        self.edit.blockSignals(True)
        if self.numeric:
            self.edit.setText(format_number(value))  # type: ignore[arg-type]
        else:
            self.edit.setText("" if value is None else str(value))
        self.edit.setCursorPosition(0)  # show the start of a long name, not its end
        self.edit.blockSignals(False)

    def set_editable(self, editable: bool) -> None:
        _set_text_editable(self.edit, editable)

    def focus_widget(self) -> QWidget:
        return self.edit

    def cursor_to_end(self) -> None:
        self.edit.end(False)

    def undo_step(self, redo: bool = False) -> bool:
        if self.edit.isReadOnly() or not (
            self.edit.isRedoAvailable() if redo else self.edit.isUndoAvailable()
        ):
            return False
        self.edit.redo() if redo else self.edit.undo()
        return True

    def forget_steps(self) -> None:
        # QLineEdit has no call to clear its history but setText: the same text, same cursor
        pos = self.edit.cursorPosition()
        self.edit.blockSignals(True)
        self.edit.setText(self.edit.text())
        self.edit.setCursorPosition(pos)
        self.edit.blockSignals(False)

    def raw_text(self) -> str:
        return self.edit.text()

    def set_raw_text(self, text: str) -> None:
        """Exactly what was typed (a draft such as 「120名」 is not a number: never parse it)."""
        self.edit.blockSignals(True)
        self.edit.setText(text)
        self.edit.blockSignals(False)


class DepartmentsEditor(LineEditor):
    """Departments as the sheet prints them: 「人事課、デジタル行政戦略課」."""

    def value(self) -> object:
        text = self.edit.text().replace(",", "、").replace("，", "、")
        return [d.strip() for d in text.split("、") if d.strip()]

    def set_value(self, value: object) -> None:
        super().set_value("、".join(value or []))  # type: ignore[arg-type]


class ComboEditor(FieldEditor):
    """A drop-down whose item data is the stored value; choosing saves at once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.installEventFilter(_FILTER)
        self.combo.installEventFilter(_WHEEL)
        self.combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # not focused by the wheel either
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.combo)
        self.setFocusProxy(self.combo)
        self.combo.currentIndexChanged.connect(self._changed)

    def _changed(self) -> None:
        self.edited.emit()
        self.committed.emit()

    def value(self) -> object:
        return self.combo.currentData()

    def set_value(self, value: object) -> None:
        self.combo.blockSignals(True)
        i = self.combo.findData(value if value is not None else "")
        self.combo.setCurrentIndex(max(i, 0))
        self.combo.blockSignals(False)

    def set_editable(self, editable: bool) -> None:
        self.combo.setEnabled(editable)
        self.setToolTip(
            "" if editable else self.tr(READONLY_TIP)
        )  # shown over a disabled combo too

    def focus_widget(self) -> QWidget:
        return self.combo


class StatusEditor(ComboEditor):
    """計画達成状況: 未確定 / 達成 / 未達成."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo.blockSignals(True)
        for label in STATUS_LABELS:
            self.combo.addItem(label, Status.from_label(label).value)
        self.combo.blockSignals(False)


class ResourcesEditor(FieldEditor):
    """確保する行政資源: ヒト / カネ / モノ / 情報."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for code in RESOURCES:
            box = QCheckBox(RESOURCE_LABELS[code], self)
            box.toggled.connect(self._changed)
            lay.addWidget(box)
            self.boxes[code] = box
        lay.addStretch(1)

    def _changed(self) -> None:
        self.edited.emit()
        self.committed.emit()

    def value(self) -> object:
        return sorted(c for c, b in self.boxes.items() if b.isChecked())

    def set_value(self, value: object) -> None:
        for code, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(code in (value or []))  # type: ignore[operator]
            box.blockSignals(False)

    def set_editable(self, editable: bool) -> None:
        for box in self.boxes.values():
            box.setEnabled(editable)

    def focus_widget(self) -> QWidget:
        return next(iter(self.boxes.values()))


class NodeEditor(ComboEditor):
    """体系: where the measure sits in the plan's hierarchy (secretariat only)."""

    def __init__(self, nodes: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo.setObjectName("nodeCombo")
        self.set_nodes(nodes)

    def set_nodes(self, nodes: list) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        by_id = {n.id: n for n in nodes}
        for n in nodes:
            chain, p = [n.caption], n.parent_id
            while p is not None and p in by_id:
                chain.append(by_id[p].caption)
                p = by_id[p].parent_id
            self.combo.addItem("　＞　".join(reversed(chain)), n.key)
        self.combo.blockSignals(False)
