"""A server that restarts (a night's update, a network drop) costs the open desks nothing
but the moment it is away: reads connect again by themselves, a save during the outage is
refused in Japanese with nothing written, and listening resumes with everything re-read."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.errors import DeskError
from kanazawa_desktop.domain.location import parse_server
from kanazawa_desktop.services.desk import Desk


@pytest.fixture
def city(own_cluster):
    server = parse_server(own_cluster.create_database("city"))
    with Desk.open(server) as desk:
        desk.set_role(secretariat=True)
    return server


SAVE = """
import sys
from kanazawa_desktop.domain.location import parse_server
from kanazawa_desktop.services.desk import Desk
with Desk.open(parse_server(sys.argv[1]), create=False) as d:
    m = next(m for m in d.measures() if m.number == int(sys.argv[2]))
    d.save(m.id, {(2023, "result_text"): sys.argv[3]})
"""


def _another_person_saves(server, number: int, text: str) -> None:
    """In a process of its own, as another PC (one desk per process: the models are bound
    to one database)."""
    subprocess.run(
        [sys.executable, "-c", SAVE, server.display, str(number), text],
        check=True,
        timeout=60,
        capture_output=True,
    )


def test_reads_and_saves_go_on_after_the_server_restarted(own_cluster, city):
    with Desk.open(city) as desk:
        mid = next(m.id for m in desk.measures() if m.number == 10)
        desk.remote_changes()  # listening from here on
        own_cluster.halt()
        with pytest.raises(DeskError, match="接続") as refused:
            desk.save(mid, {(2023, F.RESULT_TEXT): "停止中の保存"})
        assert "Traceback" not in refused.value.message
        own_cluster.start()
        assert len(desk.measures()) == 92  # the first read after it is back just works
        desk.save(mid, {(2023, F.RESULT_TEXT): "再開後の保存"})
        assert desk.measure(mid).years[2023].result_text == "再開後の保存"
        assert [h.new for h in desk.history(mid)][:1] == ["再開後の保存"]  # nothing of the outage


def test_a_save_right_after_a_restart_is_not_refused(own_cluster, city):
    with Desk.open(city) as desk:
        mid = next(m.id for m in desk.measures() if m.number == 10)
        own_cluster.halt()
        own_cluster.start()  # this desk has not noticed: its connection is dead
        desk.save(mid, {(2023, F.RESULT_TEXT): "気づかずに保存"})
    with Desk.open(city) as desk:
        assert desk.measure(mid).years[2023].result_text == "気づかずに保存"


def test_listening_resumes_and_reads_everything_again(own_cluster, city):
    with Desk.open(city) as desk:
        desk.remote_changes()
        own_cluster.halt()
        with pytest.raises(DeskError, match="接続"):
            desk.remote_changes()  # down: said in Japanese, tried again by the window
        own_cluster.start()
        again = desk.remote_changes()
        assert again.structure and again.exchange and again.fiscal  # unknown meanwhile
        _another_person_saves(city, 11, "再開後の他の人の保存")
        deadline = time.monotonic() + 10
        seen = desk.remote_changes()
        while not seen.measures and time.monotonic() < deadline:
            time.sleep(0.05)
            seen = desk.remote_changes()
        m = next(m for m in desk.measures() if m.number == 11)
        assert m.id in seen.measures  # precise again: the batch names the measure
        assert m.years[2023].result_text == "再開後の他の人の保存"
