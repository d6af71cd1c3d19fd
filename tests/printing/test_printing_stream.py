"""Printing streams the measures: a batch at a time, whatever the selection's size.

The renderer reads complete measures through the job's `fetch`, `batch_size` ids a time, in
two passes (count the pages, then draw them). These tests count what `fetch` hands out and
how many of those measures are still alive while pages are drawn; they time nothing.
"""

from __future__ import annotations

import dataclasses
import weakref

import pytest
from printing_helpers import outline, page_texts, squash

from kanazawa_desktop.domain.status import Status
from kanazawa_desktop.services import printing as P
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.services.progress import Cancelled, Progress

LONG = "".join(f"［{i:03d}］研修会を開催し参加者の意見を集約した。" for i in range(120))[:2000]
BATCH = 5


@pytest.fixture(scope="module")
def desk(tmp_path_factory, qapp):
    d = Desk.open(tmp_path_factory.mktemp("stream") / "desk.sqlite3")
    d.set_role(secretariat=True)
    by_no = {m.number: m for m in d.measures() if m.number}
    d.save(by_no[3].id, {(2023, "status"): Status.ACHIEVED})
    yield d
    d.close()


class Counting:
    """Wraps a job's fetch: the size of every batch, and the measures still alive."""

    def __init__(self, fetch, change=None) -> None:
        self.fetch, self.change = fetch, change
        self.batches: list[int] = []
        self.refs: list[weakref.ref] = []
        self.most_alive = 0

    def __call__(self, ids):
        out = self.fetch(ids)
        if self.change is not None:
            out = [self.change(len(self.batches), m) for m in out]
        self.batches.append(len(ids))
        self.refs += [weakref.ref(m) for m in out]
        return out

    def on_step(self, done: int, total: int, text: str) -> None:
        alive = sum(1 for r in self.refs if r() is not None)
        self.most_alive = max(self.most_alive, alive)


@pytest.mark.parametrize("listing", [False, True])
def test_a_print_never_holds_more_than_a_batch_of_measures(desk, tmp_path, listing):
    job = P.build_job(desk, listing=listing, batch_size=BATCH)
    n = len(job.measure_ids)
    counting = Counting(job.fetch)
    result = P.write_job(
        dataclasses.replace(job, fetch=counting),
        tmp_path / "all.pdf",
        progress=Progress(counting.on_step),
    )
    assert n == 92 and result.measures == n
    # read twice (count, then draw), never more than a batch a call
    assert max(counting.batches) == BATCH
    assert sum(counting.batches) == n * (3 if listing else 2)
    # what was read is dropped again: never more than a batch (and the measure being drawn)
    assert 0 < counting.most_alive <= BATCH + 1
    # the same document as printed with one batch holding everything
    whole = P.write_job(P.build_job(desk, listing=listing, batch_size=1000), tmp_path / "w.pdf")
    assert result.pages == whole.pages
    assert outline(result.path) == outline(whole.path)
    assert [squash(t) for t in page_texts(result.path)] == [
        squash(t) for t in page_texts(whole.path)
    ]


def test_a_sheet_that_grows_between_the_passes_is_printed_with_true_page_numbers(desk, tmp_path):
    job = P.build_job(desk, numbers=[1, 2, 3], batch_size=BATCH)

    def change(call: int, m):  # from the second pass on, No.2 has a text too long for its cell
        if call == 0 or m.number != 2:
            return m
        years = dict(m.years)
        years[2023] = dataclasses.replace(m.year(2023), result_text=LONG * 2)
        return dataclasses.replace(m, years=years)

    counting = Counting(job.fetch, change)
    result = P.write_job(dataclasses.replace(job, fetch=counting), tmp_path / "grown.pdf")
    assert result.pages > 3  # No.2's 別紙
    texts = page_texts(result.path)
    assert len(texts) == result.pages
    for i, text in enumerate(texts, 1):
        assert f"{i}/{result.pages}" in squash(text)
    assert [page for _, _, kids in outline(result.path) for _, page in kids] == [
        0,
        1,
        result.pages - 1,
    ]  # No.1, No.2, then No.3 after No.2's 別紙


def test_counting_the_pages_reports_progress_and_can_be_cancelled(desk, tmp_path):
    texts: list[str] = []

    def seen(done: int, total: int, text: str) -> None:
        texts.append(text)
        if done == 10:
            progress.cancel()

    progress = Progress(seen)
    with pytest.raises(Cancelled):
        P.print_pdf(desk, tmp_path / "all.pdf", progress=progress)
    assert texts[0] == "ページ数を確認中 1/92" and texts[-1] == "ページ数を確認中 11/92"
    assert not any(t.startswith("印刷中") for t in texts)  # stopped before drawing began
    assert list(tmp_path.iterdir()) == []
