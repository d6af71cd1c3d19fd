"""On a shared server, what others commit reaches this window within a second.

The server's NOTIFY arrives on the desk's listening connection; a QSocketNotifier on its
socket wakes the event loop (no polling), the desk turns the payloads into `Changes`
(services/remote_changes) and the window broadcasts them like its own edits. The open
管理票 is reloaded only when the person has nothing typed in it: typed text stays, and its
save then meets the other's value as a conflict (ui/save_conflict) instead of losing it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from ..domain.errors import DeskError

GATHER_MS = 50
RETRY_MS = 5000


class _Remote:
    """The handler named in the broadcast of others' changes (an object: a str would come
    out of the Qt signal as another str, and `is` would not know it)."""


REMOTE = _Remote()


class LiveUpdates(QObject):
    # the desk read others' notifications off the socket for its own check: queued to the
    # GUI thread, since that read can happen on any thread
    pending = Signal()

    def __init__(self, window) -> None:  # type: ignore[no-untyped-def]
        super().__init__(window)
        self.window = window
        # one commit's notifications can arrive in several packets: gathered for a moment,
        # so the views refresh once per commit, not once per packet
        self.gather = QTimer(self)
        self.gather.setSingleShot(True)
        self.gather.setInterval(GATHER_MS)
        self.gather.timeout.connect(self.check)
        # while the server cannot be reached, it is tried again now and then
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(RETRY_MS)
        self.retry.timeout.connect(self.check)
        self.notifier: QSocketNotifier | None = None
        self.lost = False
        if window.desk.server_socket() is not None:
            self._watch()
            self.pending.connect(self._arrived)
            window.desk.on_remote(self.pending.emit)

    def _watch(self) -> None:
        """A notifier on the listening socket (a new one after the connection was made again)."""
        fd = self.window.desk.server_socket()
        if self.notifier is not None:
            if int(self.notifier.socket()) == fd:
                self.notifier.setEnabled(True)
                return
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
        self.notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._arrived)

    def stop(self) -> None:
        """The window closes: nothing more is read from its desk."""
        self.gather.stop()
        self.retry.stop()
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.window.desk.on_remote(None)

    def resume(self) -> None:
        """Listening again after stop() (the window kept open, on another plan); what
        arrived meanwhile is read at once."""
        if self.notifier is None:  # a file: nothing to listen to
            return
        self.window.desk.on_remote(self.pending.emit)
        self.gather.start()  # check(): reads the inbox and watches the socket again

    def _arrived(self) -> None:
        if not self.gather.isActive():  # a steady stream still refreshes every GATHER_MS
            self.gather.start()

    def check(self) -> None:
        try:
            changes = self.window.desk.remote_changes()
            self._watch()
        except DeskError as exc:  # the server went away: said once, tried again meanwhile
            if self.notifier is not None:
                self.notifier.setEnabled(False)
            if not self.lost:
                self.lost = True
                self.window.statusBar().showMessage(
                    self.window.tr(
                        "サーバーとの接続が切れました。つながるまで自動で接続し直します"
                        "（表示中の内容は接続が切れる前のものです）"
                    )
                )
                self.window.statusBar().setToolTip(exc.message)
            self.retry.start()
            return
        bar = self.window.statusBar()
        if self.lost:
            self.lost = False
            bar.setToolTip("")
            bar.showMessage(self.window.tr("サーバーに接続し直しました"), 8000)
        if changes:
            self.window.broadcast(handler=REMOTE)  # may say something more precise
            if not bar.currentMessage():
                bar.showMessage(self.window.tr("他の人の変更を反映しました"), 5000)
