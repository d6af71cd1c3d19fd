"""Desks opened on one file share its database; the last one closed closes it (services/desk.py)."""

from __future__ import annotations

from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.store.models import database_proxy


def test_desks_on_one_file_share_it_until_the_last_closes(tmp_path):
    first = Desk.open(tmp_path / "a.sqlite3")
    second = Desk.open(tmp_path / "a.sqlite3")
    assert second.db is first.db
    first.close()
    first.close()  # a second close of the same desk releases nothing more
    assert database_proxy.obj is second.db and second.measures()
    second.close()
    assert second.db.is_closed() and database_proxy.obj is None


def test_desks_of_a_file_opened_before_another_keep_their_count(tmp_path):
    a1, a2 = Desk.open(tmp_path / "a.sqlite3"), Desk.open(tmp_path / "a.sqlite3")
    with Desk.open(tmp_path / "b.sqlite3") as b:
        assert b.db is not a1.db and database_proxy.obj is b.db
        a1.close()
        assert not a2.db.is_closed()  # a2 still holds file a
        a2.close()
        assert a2.db.is_closed() and database_proxy.obj is b.db
    assert database_proxy.obj is None
    again = Desk.open(tmp_path / "a.sqlite3")  # a fresh database for a, not a2's closed one
    try:
        assert again.db is not a1.db and again.measures()
    finally:
        again.close()
