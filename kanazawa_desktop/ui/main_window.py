"""The main window: plan tree and filters on the left; 管理票, 変更履歴, 一覧 and 見える化 in tabs.

The window owns the navigation (current measure, next/previous). After any operation it
broadcasts what changed — `changed(Changes, handler)`, taken from Desk.take_changes() — and
each view updates only what it shows: changed measure rows in place, the tree rebuilt only
when the plan's structure changed, the form and history only when the open measure (or a
node above it) changed and the form did not make the change itself.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..domain.changes import Changes
from ..domain.errors import DeskError
from ..domain.filtering import MeasureFilter, exact_number_first, number_asked
from ..domain.location import Server
from ..services.desk import Desk
from . import (
    assign_action,
    backup_action,
    exchange_actions,
    fiscal_years_dialog,
    hierarchy_actions,
    history_undo,
    measure_actions,
    opendata_action,
    plan_indicators_dialog,
    plan_io_actions,
    print_actions,
    role_change,
    server_actions,
    tasks,
    undo_actions,
)
from .dashboard_view import DashboardView
from .filter_panel import FilterPanel
from .history_model import HistoryModel
from .list_model import FIXED_COLUMNS, MeasureIdRole, MeasureListModel
from .live_updates import REMOTE, LiveUpdates
from .measure_form import MeasureForm
from .messages import notify
from .search_highlight import SearchHighlight
from .search_prep import SearchPreparer
from .tree_model import PlanTreeModel

SYNC_SEARCH_LIMIT = 500  # up to this many measures a first search folds the texts at once


class MainWindow(QMainWindow):
    changed = Signal(object, object)  # (Changes, the view that made them or None)

    def __init__(self, desk: Desk, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.settings = settings
        self.current_id: int | None = None
        self._visible_ids: list[int] = []
        self._visible_numbers: dict[int, int] = {}
        self._hit_when_ready = False  # Enter pressed while the search index was being built
        self.search_prep = SearchPreparer(desk, self)
        self.search_prep.ready.connect(self._search_ready)
        last = settings.value("window/plan")
        if isinstance(last, str) and last:  # the plan used last reopens
            try:
                desk.use_plan(last)
            except DeskError:
                pass  # a plan no longer in this database: the 行政経営プラン
        self._set_title()
        self._build()
        self._build_status()
        self._build_actions()
        self.changed.connect(self._refresh_for)
        self.live = LiveUpdates(self)  # a server: others' commits arrive (nothing for a file)
        self.desk.take_changes()  # what opening did is already on screen
        self.refresh_lists()
        self._restore_layout()
        self._open_first()

    # ---- construction ---------------------------------------------------------
    def _set_title(self) -> None:
        role = self.desk.role
        self.setWindowTitle(
            self.tr("取組管理デスク — %1 — %2")
            .replace("%1", self.desk.plan.name)
            .replace("%2", role.label if role else "")
        )

    def _build(self) -> None:
        """The plan's views (built again for another plan: its years and levels differ)."""
        role = self.desk.role
        years = self.desk.plan.years
        self.plan_box = QComboBox()
        self.plan_box.setObjectName("planSwitcher")
        self.plan_box.setToolTip(self.tr("計画を切り替えます"))
        for p in self.desk.plans():
            self.plan_box.addItem(p.name, p.code)
        self.plan_box.setCurrentIndex(self.plan_box.findData(self.desk.plan.code))
        self.plan_box.activated.connect(lambda i: self.switch_plan(str(self.plan_box.itemData(i))))
        self.filters = FilterPanel(
            self.desk.departments() if role and role.is_secretariat else None, years
        )
        self.filters.changed.connect(self._filters_changed)
        self.filters.search.returnPressed.connect(self._open_first_hit)
        self.tree_model = PlanTreeModel(self)
        self.tree = QTreeView()
        self.tree.setObjectName("tree")
        self.tree.setHeaderHidden(True)
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.highlight = SearchHighlight(self)  # what the search found, marked in both views
        self.tree.setItemDelegate(self.highlight)
        self.tree.selectionModel().currentChanged.connect(self._tree_current_changed)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.plan_box)
        self.plan_box.setVisible(self.plan_box.count() > 1)
        ll.addWidget(self.filters)
        self.count_label = QLabel()
        ll.addWidget(self.count_label)
        ll.addWidget(self.tree, 1)

        self.form = MeasureForm(self.desk)
        self.form.saved.connect(self._on_saved)
        self.form.failed.connect(self.show_error)
        self.form.refused_again.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.form.refused.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.form.open_measure.connect(self.open_measure)
        self.history_model = HistoryModel(self)
        self.history = QTableView()
        self.history.setObjectName("history")
        self.history.setModel(self.history_model)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setStretchLastSection(True)
        for c in range(6):  # 日時 … 項目 always readable; 変更前/変更後 share the rest
            self.history.horizontalHeader().setSectionResizeMode(
                c, QHeaderView.ResizeMode.ResizeToContents
            )
        self.history.horizontalHeader().resizeSection(6, 320)
        self.history.setWordWrap(False)
        self.list_model = MeasureListModel(years, self)
        self.list_model.marks_source = self.desk.disagreements
        self.list_view = QTableView()
        self.list_view.setObjectName("list")
        self.list_view.setModel(self.list_model)
        self.list_view.setItemDelegate(self.highlight)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.verticalHeader().hide()
        hh = self.list_view.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for c in range(FIXED_COLUMNS, FIXED_COLUMNS + len(years)):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            hh.resizeSection(c, 64)
        hh.resizeSection(0, 60)
        hh.resizeSection(2, 220)
        self.list_view.doubleClicked.connect(self._list_activated)
        self.list_view.activated.connect(self._list_activated)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.form, self.desk.plan.sheet_title)
        history_page = QWidget()
        hl = QVBoxLayout(history_page)
        hl.setContentsMargins(4, 4, 4, 4)
        self.history_title = QLabel()  # whose history this is
        self.history_title.setObjectName("historyTitle")
        self.history_title.setStyleSheet("font-weight: bold;")
        hl.addWidget(self.history_title)
        hl.addWidget(self.history, 1)
        self.undo_entry_button = history_undo.install(self, hl)  # 「この変更を元に戻す」
        self.tabs.addTab(history_page, self.tr("変更履歴"))
        self.tabs.addTab(self.list_view, self.desk.plan.list_title)
        self.dashboard = DashboardView(self.desk)  # computes when first shown
        self.dashboard.setObjectName("dashboard")
        self.dashboard.open_measure.connect(self._open_from_dashboard)
        self.tabs.addTab(self.dashboard, self.tr("見える化"))
        self.tabs.currentChanged.connect(self._tab_shown)
        self.splitter = QSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([330, 1000])
        self.setCentralWidget(self.splitter)

    def _build_status(self) -> None:
        self.save_state_label = QLabel()
        self.statusBar().addPermanentWidget(self.save_state_label)
        where = str(self.desk.path)
        if self.desk.info and self.desk.info.on_network:
            where += self.tr("（ネットワーク上のため WAL を使わずに開いています）")
        self.statusBar().addPermanentWidget(QLabel(where))

    def _action(self, text: str, shortcut, slot, menu) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(slot)
        menu.addAction(act)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu(self.tr("ファイル(&F)"))
        self.file_menu = file_menu
        self.act_save = self._action(
            self.tr("保存(&S)"), QKeySequence.StandardKey.Save, self.save_now, file_menu
        )
        if not isinstance(self.desk.path, Server):  # on a server the login is the role
            self._action(self.tr("利用する部署の変更…"), None, self.change_role, file_menu)
        backup_action.install(self, file_menu)
        plan_io_actions.install(self, file_menu)  # the secretariat's only
        opendata_action.install(self, file_menu)  # the secretariat's only
        server_actions.install(self, file_menu)
        file_menu.addSeparator()
        # Workbook exchange and printing add their actions here (see their install functions).
        exchange_actions.install(self)
        print_actions.install(self)
        file_menu.addSeparator()
        self._action(self.tr("終了(&X)"), QKeySequence("Ctrl+Q"), self.close, file_menu)
        edit_menu = mb.addMenu(self.tr("編集(&E)"))
        self.act_undo = self._action(
            self.tr("元に戻す(&U)"), QKeySequence.StandardKey.Undo, self.undo, edit_menu
        )
        self.act_redo = self._action(
            self.tr("やり直し(&R)"), QKeySequence("Ctrl+Y"), self.redo, edit_menu
        )
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        edit_menu.addSeparator()
        self._action(
            self.tr("検索(&F)"), QKeySequence.StandardKey.Find, self.focus_search, edit_menu
        )
        role = self.desk.role
        if role is not None and role.is_secretariat:
            measure_menu = mb.addMenu(self.tr("取組(&M)"))
            self._action(self.tr("取組を追加(&A)…"), None, self.add_measure, measure_menu)
            self.act_retire = self._action(
                self.tr("この取組を廃止／廃止を取り消す"), None, self.toggle_retired, measure_menu
            )
            measure_menu.addSeparator()
            hierarchy_actions.install(self, measure_menu)
            measure_menu.addSeparator()
            assign_action.install(self, measure_menu)
            measure_menu.addSeparator()
            fiscal_years_dialog.install(self, measure_menu)
        go = mb.addMenu(self.tr("移動(&G)"))
        self.act_next = self._action(
            self.tr("次の取組(&N)"), QKeySequence("Ctrl+PgDown"), self.next_measure, go
        )
        self.act_prev = self._action(
            self.tr("前の取組(&P)"), QKeySequence("Ctrl+PgUp"), self.previous_measure, go
        )
        go.addSeparator()
        self._action(
            self.tr("取組管理票を表示"),
            QKeySequence("Ctrl+1"),
            lambda: self.tabs.setCurrentIndex(0),
            go,
        )
        self._action(
            self.tr("変更履歴を表示"),
            QKeySequence("Ctrl+2"),
            lambda: self.tabs.setCurrentIndex(1),
            go,
        )
        self._action(
            self.tr("取組事項一覧を表示"),
            QKeySequence("Ctrl+3"),
            lambda: self.tabs.setCurrentIndex(2),
            go,
        )
        self._action(
            self.tr("見える化を表示"),
            QKeySequence("Ctrl+4"),
            lambda: self.tabs.setCurrentIndex(3),
            go,
        )
        plan_indicators_dialog.install(self, go)  # a 基本目標's / the plan's own 数値目標
        self._update_undo_actions()

    # ---- lists and navigation -------------------------------------------------
    def refresh_lists(self, rows=None) -> None:
        """Rebuild the tree and the list for the current filters (rows: already filtered).

        A search waits for the search index while a worker builds it (the status bar says
        so; the lists keep what they show) and runs when it is ready."""
        flt = self.filters.current()
        if rows is None:
            if flt.text and not self._search_can_run():
                self.count_label.setText(self.tr("検索の準備中…"))
                self.statusBar().showMessage(self.tr("検索の準備中…（準備ができしだい検索します）"))
                return
            rows = self.desk.rows(flt)
        self._visible_ids = [r.id for r in rows]
        self._visible_numbers = {}  # 取組No. -> id, for a search that is a number
        for r in rows:
            if r.repeat_of is None and r.number is not None:
                self._visible_numbers.setdefault(r.number, r.id)
        role = self.desk.role
        everything = role is not None and role.is_secretariat and flt == MeasureFilter()
        self.highlight.set_query(flt.text)
        self.tree_model.set_content(self.desk.nodes(), rows, show_empty=everything)
        if self.tree_model.opens_everything():
            self.tree.expandAll()
        else:  # thousands of measures: open the levels above them, the open one's branch
            self.tree.expandToDepth(len(self.desk.plan.levels) - 2)
        self.list_model.set_rows(exact_number_first(rows, flt.text))
        total = len(rows) if flt == MeasureFilter() else len(self.desk.rows())
        self.count_label.setText(
            self.tr("%1 件 / 全 %2 件").replace("%1", str(len(rows))).replace("%2", str(total))
        )
        if self.current_id is not None:
            self._select_in_views(self.current_id)

    def _search_can_run(self) -> bool:
        """Whether a search can run now on the GUI thread; else the worker is (re)started."""
        if self.desk.search_ready() or len(self.desk.rows()) <= SYNC_SEARCH_LIMIT:
            return True
        return not self.search_prep.start()  # cannot start: search here, which says why

    def _search_ready(self) -> None:
        self.statusBar().clearMessage()
        if self.filters.current().text:
            self.refresh_lists()
            if self._hit_when_ready:
                self._open_first_hit()
        self._hit_when_ready = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        # the search index is built once the window has painted, not before (and not for a
        # window closed in the meantime)
        QTimer.singleShot(0, self, lambda: self.isVisible() and self.search_prep.start())

    def _filters_changed(self) -> None:
        self.refresh_lists()

    def _open_first(self) -> None:
        drafts = self.desk.drafts()
        restored = [mid for mid in drafts if mid in self._visible_ids or self._known(mid)]
        if restored:
            self.open_measure(restored[0], drafts=drafts[restored[0]])
            n = sum(len(drafts[m]) for m in restored)
            self.statusBar().showMessage(
                self.tr(
                    "前回保存されなかった入力 %1 件を復元しました。内容を確認して保存してください。"
                ).replace("%1", str(n))
            )
        elif self._visible_ids:
            last = self._last_opened()
            self.open_measure(last if last in self._visible_ids else self._visible_ids[0])

    def _last_key(self) -> str:
        return f"window/last_measure/{self.desk.plan.code}"  # each plan remembers its own

    def _last_opened(self) -> int | None:
        """The measure opened last in this plan (QSettings), or None; a measure that no
        longer exists or is not shown now is simply not in the visible list."""
        value = self.settings.value(self._last_key())
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    def _known(self, measure_id: int) -> bool:
        return any(r.id == measure_id for r in self.desk.rows())

    def open_measure(self, measure_id: int, drafts=None) -> None:
        if measure_id == self.current_id and drafts is None:
            return
        self.form.commit()
        unkept = self.form.unkept()
        if unkept is not None:  # loading another measure would drop the typed text
            self.show_error(
                self.tr(
                    "入力した内容を保存できないため、この取組に留まります（理由: {0}）。"
                    "内容を控えてから移動してください"
                ).format(unkept)
            )
            if self.current_id is not None:
                self._select_in_views(self.current_id)
            return
        try:
            if drafts is None:
                drafts = self.desk.drafts().get(measure_id)
            self.form.load(measure_id, drafts)
        except DeskError as exc:
            self.show_error(exc.message)
            return
        self.current_id = measure_id
        self.settings.setValue(self._last_key(), measure_id)
        self._show_history(measure_id)
        self.history.resizeColumnsToContents()
        self._select_in_views(measure_id)

    def _select_in_views(self, measure_id: int) -> None:
        """Highlight the open measure in the tree and the list.

        The selection model's signals are not blocked: the views repaint the old and new
        rows on them (blocked, the highlight stayed on the previous measure). The tree's
        currentChanged comes back to open_measure, which returns at once for the open one."""
        idx = self.tree_model.index_of_measure(measure_id)
        if idx.isValid():
            self.tree.setCurrentIndex(idx)
            self.tree.scrollTo(idx)
        if self.tabs.currentWidget() is self.list_view:
            self._select_in_list(measure_id)
        # else when the list is shown: handing the hidden view thousands of rows to reach a
        # far measure cost 20-40 ms of every switch at 20,000 measures

    def _select_in_list(self, measure_id: int) -> None:
        row = self.list_model.row_of(measure_id)
        if row >= 0:
            self.list_model.ensure_row(row)
            self.list_view.selectRow(row)

    def _tab_shown(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.list_view and self.current_id is not None:
            self._select_in_list(self.current_id)

    def _tree_current_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        mid = current.data(MeasureIdRole)
        if mid is not None:
            self.open_measure(mid)

    def _list_activated(self, index: QModelIndex) -> None:
        mid = index.data(MeasureIdRole)
        if mid is not None:
            self.open_measure(mid)
            self.tabs.setCurrentIndex(0)

    def _open_from_dashboard(self, measure_id: int) -> None:
        self.open_measure(measure_id)
        self.tabs.setCurrentIndex(0)

    def _step(self, delta: int) -> None:
        if not self._visible_ids:
            return
        if self.current_id in self._visible_ids:
            i = self._visible_ids.index(self.current_id) + delta
            target = self._visible_ids[i] if 0 <= i < len(self._visible_ids) else None
        else:  # the open measure just left the filtered list (say, set to 達成): go on from it
            order = [r.id for r in self.desk.rows()]
            here = order.index(self.current_id) if self.current_id in order else -1
            shown = set(self._visible_ids)
            after = [
                mid
                for mid in (order[here + 1 :] if delta > 0 else reversed(order[: max(here, 0)]))
                if mid in shown
            ]
            target = after[0] if after else None
        if target is not None:
            self.open_measure(target)

    def next_measure(self) -> None:
        self._step(1)

    def previous_measure(self) -> None:
        self._step(-1)

    def _open_first_hit(self) -> None:
        """Enter in the search box opens the first measure found."""
        self.filters.flush()  # the text may be newer than the last (delayed) filtering
        if (
            self.filters.current().text
            and not self.desk.search_ready()
            and self.search_prep.running
        ):
            self._hit_when_ready = True  # opened by _search_ready
            return
        if self._visible_ids:
            # 「10」 is No.10 first, before No.100 and a text that mentions 10
            asked = number_asked(self.filters.current().text)
            exact = self._visible_numbers.get(asked) if asked is not None else None
            self.open_measure(exact if exact is not None else self._visible_ids[0])
            self.tree.setFocus()

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    # ---- saving and undo -------------------------------------------------------
    def save_now(self) -> None:
        self.form.commit()

    def _on_saved(self, result) -> None:
        from datetime import datetime

        self.save_state_label.setText(
            self.tr("保存しました %1").replace("%1", datetime.now().strftime("%H:%M:%S"))
        )
        self.broadcast(handler=self.form)  # the form shows what it saved

    def broadcast(self, handler: object = None) -> Changes:
        """Tell every view what the operations since the last broadcast changed."""
        changes = self.desk.take_changes()
        if changes:
            self.changed.emit(changes, handler)
        self._update_undo_actions()
        return changes

    def refresh_plans(self) -> None:
        """The switcher lists the plans the database holds now (a department PC adds one with
        the secretariat's master workbook of a new plan)."""
        plans = [(p.name, p.code) for p in self.desk.plans()]
        box = self.plan_box
        if plans == [(box.itemText(i), box.itemData(i)) for i in range(box.count())]:
            return
        box.clear()
        for name, code in plans:
            box.addItem(name, code)
        box.setCurrentIndex(box.findData(self.desk.plan.code))
        box.setVisible(box.count() > 1)

    def _refresh_for(self, changes: Changes, handler: object) -> None:
        self.dashboard.note_changes(changes)  # redrawn now if shown, else when shown
        if changes.plans:
            self.refresh_plans()
        if changes.structure or changes.nodes:
            self.refresh_lists()
        elif changes.measures:
            self._update_rows(changes.measures)
        current = self.current_id
        if current is not None and (changes.touches(current) or changes.nodes or changes.fiscal):
            if handler is REMOTE and self.form.dirty():
                # typed text stays: its save meets the other's value as a conflict
                self.statusBar().showMessage(
                    self.tr("この取組は他の人が更新しました。保存するときに確認します"), 8000
                )
            elif handler is not self.form:
                try:
                    self.form.load(current)
                except DeskError as exc:
                    self.show_error(exc.message)
            self._show_history(current)

    def _update_rows(self, ids: frozenset[int]) -> None:
        """Changed measures: their rows in place, unless they enter or leave the filtered list."""
        flt = self.filters.current()
        if flt.text and not self._search_can_run():  # the lists wait for the search index
            fresh = {r.id: r for r in self.desk.rows() if r.id in ids}
            self.tree_model.update_rows(fresh)
            self.list_model.update_rows(fresh)
            return
        rows = self.desk.rows(flt)
        if [r.id for r in rows] != self._visible_ids:
            self.refresh_lists(rows)
            return
        fresh = {r.id: r for r in rows if r.id in ids}
        self.tree_model.update_rows(fresh)
        self.list_model.update_rows(fresh)

    def _show_history(self, measure_id: int) -> None:
        names = {n.key: n.caption for n in self.desk.nodes()}
        m = self.form.measure
        indicators = (
            {i.key: i.name for i in m.indicators} if m is not None and m.id == measure_id else {}
        )
        if m is not None and m.id == measure_id and len(m.indicators) > 1:
            indicators[""] = m.indicators[0].name  # the plain 実績値 is the first one's
        self.history_model.set_entries(self.desk.history(measure_id), names, indicators)
        history_undo.update(self)
        if m is not None and m.id == measure_id:
            self.history_title.setText(
                self.tr("%1 %2 の変更履歴").replace("%1", m.number_label).replace("%2", m.name)
            )

    def _update_undo_actions(self) -> None:
        # typing not yet saved can always be undone: the form saves it first
        self.act_undo.setEnabled(True)
        self.act_redo.setEnabled(self.desk.can_redo())

    def undo(self) -> None:
        """Ctrl+Z: the focused text box's own typing steps first, then saved field edits."""
        undo_actions.undo(self)

    def redo(self) -> None:
        undo_actions.redo(self)

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)
        notify(self, self.tr("保存できません"), message)  # the edit stays on screen and as a draft

    def change_role(self) -> None:
        """Ask the department again; the window is rebuilt for the new role."""
        role_change.change_role(self)

    # ---- secretariat: measures ------------------------------------------------------
    def add_measure(self) -> None:
        measure_actions.add_measure(self)

    def toggle_retired(self) -> None:
        measure_actions.toggle_retired(self)

    # ---- window state ----------------------------------------------------------
    def _restore_layout(self) -> None:
        geo = self.settings.value("window/geometry")
        if isinstance(geo, QByteArray) and not geo.isEmpty():
            self.restoreGeometry(geo)
        else:
            self.resize(1360, 860)
        state = self.settings.value("window/splitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.splitter.restoreState(state)
        tab = self.settings.value("window/tab")
        if tab is not None:
            self.tabs.setCurrentIndex(int(tab))

    def switch_plan(self, code: str) -> None:
        """Show another plan: what is typed is saved first (or kept as a draft), and the tree,
        list, form, history and 一覧 are built for the plan's own years and levels."""
        if code == self.desk.plan.code:
            return
        self.search_prep.cancel()
        self.live.stop()
        self.form.commit()
        self.form.write_drafts()
        if self.form.unkept() is not None:  # it would go with the old form
            self._carry_on()
            return
        plan_indicators_dialog.close_open(self)  # it is the plan's: what it holds is saved
        tab, state = self.tabs.currentIndex(), self.splitter.saveState()
        try:
            self.desk.use_plan(code)
        except DeskError as exc:
            self.show_error(exc.message)
            self._carry_on()
            return
        self.form.release()  # the old plan's form, torn down below, saves nothing more
        self.desk.take_changes()
        self.settings.setValue("window/plan", code)
        self.current_id = None
        self._build()
        self.splitter.restoreState(state)
        self.tabs.setCurrentIndex(tab)
        self._set_title()
        self.refresh_lists()
        self._open_first()
        self._update_undo_actions()
        self._carry_on()

    def _carry_on(self) -> None:
        """After switch_plan (done or not): listening to others' changes and the search
        index, paused while it ran, start again."""
        self.live.resume()
        QTimer.singleShot(0, self, lambda: self.isVisible() and self.search_prep.start())

    def _close_losing_typed_text(self, reason: str) -> bool:
        """Typed text could be neither saved nor kept as a draft (`reason`: the shared
        server is away, or no longer allows it): closing loses it. Asked; keeping the window
        is the default."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("取組管理デスク"),
            self.tr(
                "入力中の内容を保存できず、下書きとしても残せませんでした。"
                "閉じると入力した内容は失われます。\n理由: %1\n"
                "サーバーとの接続が切れた場合は、つながるまでこのウィンドウを"
                "開いたままにしてください。"
            ).replace("%1", reason),
            parent=self,
        )
        keep = box.addButton(self.tr("閉じない"), QMessageBox.ButtonRole.RejectRole)
        lose = box.addButton(
            self.tr("入力を破棄して閉じる"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        # told by the button, not asked of the box after exec(): the box may be gone by
        # then (the window torn down while it was open)
        chosen: list[bool] = []
        lose.clicked.connect(lambda: chosen.append(True))
        box.exec()
        return bool(chosen)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not tasks.settle_before_close(self):  # an export still running, and kept
            event.ignore()
            return
        self.form.commit()
        self.form.write_drafts()  # anything refused stays as a draft, never lost
        unkept = self.form.unkept()
        if unkept is not None and not self._close_losing_typed_text(unkept):
            event.ignore()  # kept on screen (the shared server away: until it is back)
            return
        self.search_prep.cancel()
        self.live.stop()
        plan_indicators_dialog.close_open(self)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/tab", self.tabs.currentIndex())
        self.settings.sync()
        self.form.release()  # closed: a second close() (Qt sends one per call) asks nothing
        event.accept()
