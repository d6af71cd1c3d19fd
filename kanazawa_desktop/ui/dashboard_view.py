"""The 見える化 tab: the plan's progress at a glance, drawn from services.dashboard.

Two pages: 進捗 (計画達成状況 and the indicators' verdicts per level-1 node and year as
stacked bars, 回収状況 for the secretariat, per department the results still to write in the
chosen year) and 指標 (each indicator as a chart, chosen in a list). A click on a bar segment
lists the measures (or indicators, departments) behind it on the right; double-click or Enter
on one asks the window to open it (`open_measure`). 「表としてコピー」 and 「CSVで保存…」 give the
numbers behind the page shown.

Computing reads the indicators from the database, so it runs only when needed: on `changed`
the view recomputes if it is visible (coalesced by a zero timer) and otherwise only marks
itself stale, recomputing when it is shown (`showEvent`). Typing in the form never reaches it.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QGuiApplication,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.changes import Changes
from ..domain.dashboard import Bar, Dashboard, Group, Segment, Table, tsv
from ..domain.errors import DeskError
from ..domain.fiscal import long_label, short_label
from ..printing.charts import (
    COLLECTION_LEGEND,
    STATUS_LEGEND,
    VERDICT_LEGEND,
    BarGrid,
    GridRow,
    Hit,
    IndicatorChart,
)
from ..services.dashboard import dashboard, department_loads, write_csv
from ..services.desk import Desk
from . import file_dialogs
from .chart_widgets import GridWidget, IndicatorWidget, Labels
from .messages import notify

# fields no number of the dashboard depends on (実施結果 does: the results still to write)
UNCOUNTED_FIELDS = frozenset({"plan_text", "summary", "vision", "related_plans", "resources"})


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: bold; margin-top: 6px;")
    return label


class DashboardView(QWidget):
    open_measure = Signal(int)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.board: Dashboard | None = None
        self.stale = True
        self._exchange_stale = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        self._build()

    # ---- construction ------------------------------------------------------------
    def _build(self) -> None:
        plan = self.desk.plan
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度")))
        self.year_box = QComboBox()
        self.year_box.setObjectName("dashboardYear")
        for fy in plan.years:
            self.year_box.addItem(long_label(fy), fy)
        self.year_box.activated.connect(self._year_chosen)
        top.addWidget(self.year_box)
        top.addStretch(1)
        self.copy_button = QPushButton(self.tr("表としてコピー"))
        self.copy_button.setObjectName("dashboardCopy")
        self.copy_button.setToolTip(
            self.tr("表示中の図の数値を表計算ソフトに貼り付けられる形でコピーします")
        )
        self.copy_button.clicked.connect(self.copy_table)
        self.csv_button = QPushButton(self.tr("CSVで保存…"))
        self.csv_button.setObjectName("dashboardCsv")
        self.csv_button.clicked.connect(self.save_csv)
        top.addWidget(self.copy_button)
        top.addWidget(self.csv_button)

        self.pages = QTabWidget()
        self.pages.setObjectName("dashboardPages")
        self.pages.setDocumentMode(True)
        # page 1: progress
        body = QWidget()
        col = QVBoxLayout(body)
        col.setContentsMargins(6, 0, 6, 6)
        level = plan.levels[0] if plan.levels else ""
        col.addWidget(_section(self.tr("計画達成状況（%1別・年度別）").replace("%1", level)))
        self.status_grid = GridWidget()
        self.status_grid.setObjectName("statusChart")
        self.status_grid.clicked.connect(lambda hit: self._clicked(hit, "status"))
        col.addWidget(self.status_grid)
        col.addWidget(_section(self.tr("指標の判定（%1別・年度別）").replace("%1", level)))
        self.verdict_grid = GridWidget()
        self.verdict_grid.setObjectName("verdictChart")
        self.verdict_grid.clicked.connect(lambda hit: self._clicked(hit, "verdicts"))
        col.addWidget(self.verdict_grid)
        role = self.desk.role
        self.collection_title = _section(self.tr("回収状況（担当課数）"))
        self.collection_grid = GridWidget()
        self.collection_grid.setObjectName("collectionChart")
        self.collection_grid.clicked.connect(lambda hit: self._clicked(hit, "collection"))
        col.addWidget(self.collection_title)
        col.addWidget(self.collection_grid)
        if role is None or not role.is_secretariat:  # hidden once parented: never a window
            self.collection_title.hide()
            self.collection_grid.hide()
        self.load_title = _section("")
        col.addWidget(self.load_title)
        self.load_table = QTableWidget(0, 3)
        self.load_table.setObjectName("departmentLoad")
        self.load_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.load_table.verticalHeader().hide()
        self.load_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        hh = self.load_table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.load_table.itemActivated.connect(self._department_chosen)
        self.load_table.cellClicked.connect(lambda r, _c: self._department_chosen(None, r))
        col.addWidget(self.load_table)
        col.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages.addTab(scroll, self.tr("進捗"))
        # page 2: each indicator as a chart
        ind_page = QSplitter()
        self.indicator_model = Labels(self)  # a city has thousands of indicators
        self.indicator_list = QListView()
        self.indicator_list.setObjectName("indicatorList")
        self.indicator_list.setModel(self.indicator_model)
        self.indicator_list.setUniformItemSizes(True)
        self.indicator_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.indicator_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.indicator_list.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._indicator_chosen(current.row())
        )
        self.indicator_list.doubleClicked.connect(self._indicator_activated)
        self.indicator_list.activated.connect(self._indicator_activated)
        self.indicator_chart = IndicatorWidget()
        self.indicator_chart.setObjectName("indicatorChart")
        ind_page.addWidget(self.indicator_list)
        ind_page.addWidget(self.indicator_chart)
        ind_page.setStretchFactor(1, 1)
        ind_page.setSizes([300, 700])
        self.pages.addTab(ind_page, self.tr("指標"))

        # the side list: what a clicked segment stands for
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(4, 0, 0, 0)
        self.picked_title = QLabel(self.tr("棒をクリックすると、その内訳の一覧を表示します"))
        self.picked_title.setObjectName("pickedTitle")
        self.picked_title.setWordWrap(True)
        # a plain string model: a segment may stand for 15,000 measures (one QListWidgetItem
        # each took a second)
        self.picked_model = Labels(self)
        self.picked_ids: list[int | None] = []
        self.picked = QListView()
        self.picked.setObjectName("pickedList")
        self.picked.setModel(self.picked_model)
        self.picked.setUniformItemSizes(True)
        self.picked.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.picked.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # elided
        # as the 一覧: a double-click opens (not every style activates on one), Enter too
        self.picked.doubleClicked.connect(self._picked_activated)
        self.picked.activated.connect(self._picked_activated)
        sl.addWidget(self.picked_title)
        sl.addWidget(self.picked, 1)
        hint = QLabel(self.tr("ダブルクリックまたは Enter で管理票を開きます"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        sl.addWidget(hint)
        self.side = side
        self.pages.currentChanged.connect(lambda i: side.setVisible(i == 0))  # 指標: room for it
        split = QSplitter()
        split.addWidget(self.pages)
        split.addWidget(side)
        split.setStretchFactor(0, 1)
        split.setSizes([700, 250])
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    # ---- refreshing --------------------------------------------------------------
    def note_changes(self, changes: Changes) -> None:
        """Something changed: recompute now if shown (once per event loop turn), else later.
        A change only of texts no chart counts (実施計画, 概要 …) changes nothing here."""
        if not changes:
            return
        only_texts = changes.fields and changes.fields <= UNCOUNTED_FIELDS
        if only_texts and not (
            changes.structure or changes.nodes or changes.exchange or changes.indicators
        ):
            return
        self.stale = True
        if changes.exchange or changes.structure or changes.plans:
            self._exchange_stale = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self.stale:
            self._timer.start()

    def refresh(self) -> None:
        """Recompute the numbers and redraw (the year chosen stays)."""
        if not self.stale and self.board is not None:
            return
        chosen = self.year_box.currentData() if self.board is not None else None
        try:
            board = dashboard(
                self.desk,
                year=chosen,
                reuse_collection=None if self._exchange_stale else self.board,
            )
        except DeskError as exc:
            self.picked_title.setText(exc.message)
            return
        self.stale = self._exchange_stale = False
        self.show_board(board)

    def show_board(self, board: Dashboard) -> None:
        self.board = board
        years = board.years
        self.year_box.setCurrentIndex(self.year_box.findData(board.current_fy))
        family = self.font().family()
        columns = [short_label(fy) for fy in years]
        highlight = years.index(board.current_fy) if board.current_fy in years else None
        self.status_grid.set_grid(
            BarGrid(
                columns,
                self._rows(board.status),
                STATUS_LEGEND,
                family,
                highlight=highlight,
                show_rate=True,
            )
        )
        self.verdict_grid.set_grid(
            BarGrid(
                columns, self._rows(board.verdicts), VERDICT_LEGEND, family, highlight=highlight
            )
        )
        if board.collection is not None:
            total = board.collection.total
            self.collection_grid.set_grid(
                BarGrid(
                    [""],
                    [
                        GridRow(
                            self.tr("全担当課（%1）").replace("%1", str(total)),
                            "",
                            [board.collection],
                            strong=True,
                        )
                    ],
                    COLLECTION_LEGEND,
                    family,
                    label_share=0.16,
                )
            )
        self._show_loads()
        self._show_indicators()

    def _rows(self, groups: tuple[Group, ...]) -> list[GridRow]:
        years = self.board.years if self.board else ()
        return [
            GridRow(g.label, g.title, [g.bars.get(fy) for fy in years], strong=i == 0)
            for i, g in enumerate(groups)
        ]

    def _show_loads(self) -> None:
        board = self.board
        assert board is not None
        self.load_title.setText(
            self.tr("担当課別 %1の実施結果の未入力（多い順）").replace(
                "%1", long_label(board.current_fy)
            )
        )
        t = self.load_table
        t.setHorizontalHeaderLabels(
            [self.tr("担当課"), self.tr("担当する%1").replace("%1", board.item), self.tr("未入力")]
        )
        t.setRowCount(len(board.departments))
        for r, d in enumerate(board.departments):
            for c, text in enumerate((d.department, str(d.held), str(len(d.to_write)))):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                t.setItem(r, c, item)
        shown = min(len(board.departments), 10)  # a short table; the rest scrolls
        height = t.horizontalHeader().height() + sum(t.rowHeight(r) for r in range(shown)) + 4
        t.setFixedHeight(max(height, 60))

    def _show_indicators(self) -> None:
        board = self.board
        assert board is not None
        before = self.indicator_row()
        self.indicator_model.setStringList([f"{v.label}（{v.owner}）" for v in board.indicators])
        if board.indicators:
            self.choose_indicator(min(max(before, 0), len(board.indicators) - 1))
            self._indicator_chosen(self.indicator_row())
        else:
            self.indicator_chart.set_chart(None)

    def _year_chosen(self, _index: int) -> None:
        board = self.board
        fy = self.year_box.currentData()
        if board is None or fy is None or fy == board.current_fy:
            return
        try:
            loads = department_loads(self.desk, year=fy)
        except DeskError as exc:
            notify(self, self.tr("見える化"), exc.message)
            return
        self.show_board(replace(board, current_fy=fy, departments=loads))

    # ---- clicking through --------------------------------------------------------
    def segment(self, chart: str, hit: Hit) -> Segment | None:
        board = self.board
        if board is None:
            return None
        if chart == "collection":
            bar: Bar | None = board.collection
        else:
            groups = board.status if chart == "status" else board.verdicts
            bar = groups[hit.row].bars.get(board.years[hit.column])
        return bar.segments[hit.segment] if bar is not None else None

    def _clicked(self, hit: Hit, chart: str) -> None:
        board, seg = self.board, self.segment(chart, hit)
        if board is None or seg is None:
            return
        if chart == "collection":
            where = self.tr("回収状況")
        else:
            groups = board.status if chart == "status" else board.verdicts
            kind = self.tr("計画達成状況") if chart == "status" else self.tr("指標の判定")
            where = f"{groups[hit.row].label} {short_label(board.years[hit.column])} {kind}"
        self._list(f"{where}「{seg.label}」{seg.count}件", board.items(seg))

    def _department_chosen(self, _item: object, row: int | None = None) -> None:
        board = self.board
        if board is None:
            return
        r = self.load_table.currentRow() if row is None else row
        if not 0 <= r < len(board.departments):
            return
        d = board.departments[r]
        items = [board.items(Segment("", "", d.to_write))][0]
        self._list(
            self.tr("%1 %2の実施結果の未入力 %3件")
            .replace("%1", d.department)
            .replace("%2", short_label(board.current_fy))
            .replace("%3", str(len(d.to_write))),
            items,
        )

    def _list(self, title: str, items) -> None:
        self.picked_title.setText(title)
        self.picked_model.setStringList([it.label for it in items])
        self.picked_ids = [it.measure_id for it in items]
        if self.picked_ids:
            self.picked.setCurrentIndex(self.picked_model.index(0))

    def picked_labels(self) -> list[str]:
        return self.picked_model.stringList()

    def _picked_activated(self, index: QModelIndex) -> None:
        row = index.row()
        mid = self.picked_ids[row] if 0 <= row < len(self.picked_ids) else None
        if mid is not None:
            self.open_measure.emit(int(mid))

    def _indicator_chosen(self, row: int) -> None:
        board = self.board
        if board is None or not 0 <= row < len(board.indicators):
            return
        view = board.indicators[row]
        self.indicator_chart.set_chart(IndicatorChart(view, board.years, self.font().family()))

    def indicator_row(self) -> int:
        return self.indicator_list.currentIndex().row()

    def choose_indicator(self, row: int) -> None:
        self.indicator_list.setCurrentIndex(self.indicator_model.index(row))

    def _indicator_activated(self, index: QModelIndex) -> None:
        board = self.board
        row = index.row()
        if board is not None and 0 <= row < len(board.indicators):
            mid = board.indicators[row].measure_id
            if mid is not None:
                self.open_measure.emit(mid)

    # ---- the numbers as tables ---------------------------------------------------
    def tables(self) -> list[Table]:
        """The numbers behind the page shown: every chart of 進捗, or the chosen indicator."""
        board = self.board
        if board is None:
            return []
        if self.pages.currentIndex() == 1:
            row = self.indicator_row()
            if 0 <= row < len(board.indicators):
                return [board.indicator_table(board.indicators[row])]
            return []
        return board.tables()

    def copy_table(self) -> None:
        tables = self.tables()
        if tables:
            QGuiApplication.clipboard().setText(tsv(tables))

    def save_csv(self) -> None:
        tables = self.tables()
        if not tables or self.board is None:
            return
        suggested = f"見える化_{self.board.plan_name}_{short_label(self.board.current_fy)}.csv"
        path = file_dialogs.save_file(
            self,
            file_dialogs.settings_of(self),
            file_dialogs.REPORT,
            self.tr("CSVで保存"),
            suggested,
            file_dialogs.CSV_FILES,
            "csv",
        )
        if path is None:
            return
        try:
            write_csv(path, tables)
        except DeskError as exc:
            notify(self, self.tr("保存できません"), exc.message)
