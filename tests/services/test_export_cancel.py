"""中止 during the one-step export for the departments says exactly what was done: the
workbooks written before the stop stand, their 配布 recorded; the rest were not written."""

from __future__ import annotations

import pytest

from kanazawa_desktop.domain.errors import Cancelled
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.progress import Progress
from kanazawa_desktop.store import exchange_repo as xrepo


def test_a_stop_after_some_workbooks_says_which_were_written(secretariat, tmp_path):
    progress: Progress

    def tick(done: int, total: int, text: str) -> None:
        if done == 2:  # a person clicks 中止 while the third is being written
            progress.cancel()

    progress = Progress(tick)
    with pytest.raises(Cancelled) as err:
        X.export_departments(secretariat, tmp_path, progress, all_plans=False)
    written = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert len(written) == 3  # the one being written when 中止 was clicked is finished
    message = err.value.message
    assert (
        "3 / " in message
        and "配布として記録しました" in message
        and "変更はありません" not in message
    )
    assert all(name in message for name in written)
    assert len(xrepo.exports()) == 3  # their 配布 is recorded, the rest is not


def test_a_stop_before_any_workbook_changes_nothing(secretariat, tmp_path):
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled, match="変更はありません"):
        X.export_departments(secretariat, tmp_path, progress, all_plans=False)
    assert not list(tmp_path.glob("*.xlsx")) and not xrepo.exports()
