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
        self.notifier: QSocketNotifier | None = None
        fd = window.desk.server_socket()
        if fd is not None:
            self.notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
            self.notifier.activated.connect(self._arrived)
            self.pending.connect(self._arrived)
            window.desk.on_remote(self.pending.emit)

    def stop(self) -> None:
        """The window closes: nothing more is read from its desk."""
        self.gather.stop()
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.window.desk.on_remote(None)

    def _arrived(self) -> None:
        if not self.gather.isActive():  # a steady stream still refreshes every GATHER_MS
            self.gather.start()

    def check(self) -> None:
        try:
            changes = self.window.desk.remote_changes()
        except DeskError as exc:  # the server went away: say it once, stop listening
            if self.notifier is not None:
                self.notifier.setEnabled(False)
            self.window.show_error(exc.message)
            return
        if changes:
            bar = self.window.statusBar()
            self.window.broadcast(handler=REMOTE)  # may say something more precise
            if not bar.currentMessage():
                bar.showMessage(self.window.tr("他の人の変更を反映しました"), 5000)
