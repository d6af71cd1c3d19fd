"""Two people at once on one server: no lost update, and each sees the other's commits."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.errors import ConflictError
from kanazawa_desktop.services.desk import Desk

ROUNDS = 15


def test_two_saves_of_one_field_at_once_never_lose_one(server):
    """Each round both start from the same value and save at the same moment: exactly one
    is written, the other gets ConflictError with the winner's value (both values to choose
    from), in every round. peewee gives each thread its own connection: two sessions."""
    with Desk.open(server) as desk:
        desk.set_role(secretariat=True)
        mid = desk.measures()[0].id
    barrier = threading.Barrier(2, timeout=20)
    outcomes: dict[int, list[tuple[str, str, object]]] = {0: [], 1: []}
    errors: list[BaseException] = []

    def person(i: int) -> None:
        try:
            with Desk.open(server) as mine:
                for r in range(ROUNDS):
                    seen = mine.measure(mid)  # what the form shows when typing begins
                    barrier.wait()
                    text = f"第{r}回 {i}の入力"
                    try:
                        mine.save(mid, {(2024, F.RESULT_TEXT): text}, base=seen)
                        outcomes[i].append(("saved", text, None))
                    except ConflictError as exc:
                        outcomes[i].append(("conflict", text, exc.data["current"]))
                    barrier.wait()  # both done before the next round reads
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=person, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert all(not t.is_alive() for t in threads)
    with Desk.open(server) as desk:
        history = [h for h in desk.history(mid) if h.field == F.RESULT_TEXT]
    for r in range(ROUNDS):
        a, b = outcomes[0][r], outcomes[1][r]
        assert sorted([a[0], b[0]]) == ["conflict", "saved"], (r, a, b)
        winner, loser = (a, b) if a[0] == "saved" else (b, a)
        assert loser[2] == winner[1]  # the conflict names the value that won
    assert len(history) == ROUNDS  # one write per round, none overwritten silently
    assert history[0].new == (a if a[0] == "saved" else b)[1]


def test_a_commit_by_another_person_reaches_this_desk_and_its_own_does_not(server):
    with Desk.open(server) as desk:
        desk.set_role(secretariat=True)
        mid = desk.measures()[0].id
        before = desk.db.data_version()
        desk.save(mid, {(2024, F.RESULT_TEXT): "自分の保存"})
        time.sleep(0.2)
        assert desk.db.data_version() == before  # its own commit is no news
        with psycopg.connect(
            host=server.host, port=server.port, dbname=server.dbname, user=server.user,
            autocommit=True,
        ) as other:  # fmt: skip
            other.execute(
                "UPDATE measure_year SET result_text = 'よそから' WHERE measure_id = %s"
                " AND fy = 2024",
                [mid],
            )
        deadline = time.monotonic() + 1.0  # the promise: within a second
        while desk.db.data_version() == before and time.monotonic() < deadline:
            time.sleep(0.02)
        assert desk.db.data_version() > before
        # and the desk's kept rows follow: what the window shows is read again
        row = next(r for r in desk.rows() if r.id == mid)
        assert desk.measure(row.id).years[2024].result_text == "よそから"


def test_a_listener_that_cannot_reach_the_server_says_so_in_japanese():
    from kanazawa_desktop.domain.errors import DeskError
    from kanazawa_desktop.domain.location import parse_server
    from kanazawa_desktop.store.pg_connection import ServerDatabase

    db = ServerDatabase(parse_server("postgresql://someone@127.0.0.1:1/city"))
    with pytest.raises(DeskError, match="接続できません"):
        db.take_inbox()
