"""Is this server reachable with this login? Checked before the window leaves its database
(a connection of its own, closed at once; nothing is bound or written)."""

from __future__ import annotations

from ..domain.location import Server
from ..store import pg_connection


def check_server(server: Server) -> str:
    """The login's name as the server knows it; StoreError in Japanese otherwise."""
    db, info = pg_connection.connect(server)
    db.close()
    return info.login
