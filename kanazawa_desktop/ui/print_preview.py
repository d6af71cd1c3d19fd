"""印刷プレビュー: the pages as they will print, each in its own orientation (the 一覧
landscape, a 取組管理票 portrait), stacked in a scrollable view.

The pages come from services.printing.preview_job (compressed images, made off the GUI
thread);
PagesView decodes only the pages in sight, keeping a few decoded. 「印刷…」 prints the same
job through the system's print dialog (PrintActions.print_job).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

GAP = 16
DECODED = 8  # pages kept decoded (some 3.5 MB each at the preview's resolution)


class PagesView(QWidget):
    """The pages one under the other, centred, at `zoom` (1.0: the images' own pixels)."""

    def __init__(self, pages: Sequence, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages = list(pages)
        self.zoom = 1.0
        self._decoded: OrderedDict[int, QImage] = OrderedDict()
        self._resize()

    def page_rects(self) -> list[QRect]:
        """Where each page is drawn, in this widget's coordinates."""
        width = self.width()
        rects, y = [], GAP
        for p in self.pages:
            w, h = round(p.width * self.zoom), round(p.height * self.zoom)
            rects.append(QRect(max((width - w) // 2, GAP), y, w, h))
            y += h + GAP
        return rects

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(max(zoom, 0.1), 4.0)
        self._resize()
        self.update()

    def _resize(self) -> None:
        widest = max((p.width for p in self.pages), default=0)
        height = sum(p.height for p in self.pages)
        self.setMinimumSize(
            QSize(
                round(widest * self.zoom) + 2 * GAP,
                round(height * self.zoom) + GAP * (len(self.pages) + 1),
            )
        )
        self.resize(max(self.width(), self.minimumWidth()), self.minimumHeight())

    def image(self, i: int) -> QImage:
        img = self._decoded.pop(i, None)
        if img is None:
            img = self.pages[i].image()
        self._decoded[i] = img
        while len(self._decoded) > DECODED:
            self._decoded.popitem(last=False)
        return img

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#8a8f96"))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.setPen(QPen(QColor("#3c3f44")))
        for i, rect in enumerate(self.page_rects()):
            if rect.intersects(event.rect()):
                painter.drawImage(rect, self.image(i))
                painter.drawRect(rect.adjusted(-1, -1, 0, 0))
        painter.end()


class PrintPreviewDialog(QDialog):
    def __init__(
        self,
        pages: Sequence,
        title: str,
        on_print: Callable[[], None] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("printPreview")
        self.setWindowTitle(title)
        self.resize(1000, 800)
        self.view = PagesView(pages)
        self.view.setObjectName("previewPages")
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.view)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        landscape = sum(1 for p in pages if p.landscape)
        info = self.tr("全 %1 ページ").replace("%1", str(len(pages)))
        if landscape and landscape < len(pages):
            info += (
                self.tr("（横向き %1 ページ・縦向き %2 ページ）")
                .replace("%1", str(landscape))
                .replace("%2", str(len(pages) - landscape))
            )
        self.info = QLabel(info)
        self.info.setObjectName("previewInfo")
        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        for name, text, slot in (
            ("zoomOut", self.tr("縮小"), lambda: self.view.set_zoom(self.view.zoom / 1.25)),
            ("zoomIn", self.tr("拡大"), lambda: self.view.set_zoom(self.view.zoom * 1.25)),
            ("zoomFit", self.tr("幅に合わせる"), self.fit_width),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            top.addWidget(button)
        buttons = QDialogButtonBox()
        if on_print is not None:
            print_button = buttons.addButton(
                self.tr("印刷…"), QDialogButtonBox.ButtonRole.ActionRole
            )
            print_button.setObjectName("previewPrint")
            print_button.clicked.connect(on_print)
        buttons.addButton(self.tr("閉じる"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(buttons)
        self._fitted = False

    def fit_width(self) -> None:
        """The widest page (a landscape 一覧) fills the view's width."""
        widest = max((p.width for p in self.view.pages), default=0)
        room = self.scroll.viewport().width() - 2 * GAP
        if widest and room > 0:
            self.view.set_zoom(room / widest)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._fitted:  # once the view has its size
            self._fitted = True
            self.fit_width()
