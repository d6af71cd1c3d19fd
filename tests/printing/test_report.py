"""The printed report (報告書): its pages in order, the 目次's numbers, the summary's counts
against services.dashboard, the metadata and the 2-up layout, read back from the PDF."""

from __future__ import annotations

from datetime import date

import pytest
from printing_helpers import is_a4, outline, page_sizes, page_texts, squash, toc_lines
from pypdf import PdfReader

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.dashboard import STATUS_ORDER, VERDICT_ORDER
from kanazawa_desktop.services.dashboard import dashboard
from kanazawa_desktop.services.printing import write_job
from kanazawa_desktop.services.report import build_report_job

TODAY = date(2026, 11, 30)
FY = 2024  # R6


def _measure(desk, number):
    return next(m for m in desk.measures() if m.number == number and not m.is_repeat)


@pytest.fixture
def desk(secretariat):
    one, two, three = (_measure(secretariat, n) for n in (1, 2, 40))
    secretariat.save(one.id, {(FY, F.STATUS): "achieved"})
    secretariat.save(two.id, {(FY, F.STATUS): "not_achieved"})
    secretariat.save(three.id, {(FY, F.STATUS): "achieved"})
    return secretariat


@pytest.fixture
def report(desk, tmp_path):
    pdf = tmp_path / "report.pdf"
    job = build_report_job(desk, year=FY, printed_on=TODAY)
    write_job(job, pdf)
    return pdf, job


def test_pages_in_order_and_the_contents_point_at_them(desk, report):
    pdf, job = report
    texts = page_texts(pdf)
    sheets = len(job.measure_ids)
    assert sheets == 92 - sum(1 for m in desk.measures() if m.retired)
    assert "進捗報告書" in texts[0] and "令和6年度" in texts[0]
    assert "行政経営プラン推進本部事務局" in texts[0] and "令和8年11月30日" in texts[0]
    assert texts[1].startswith("目次")
    toc = dict(toc_lines(pdf, 2))
    assert texts[toc["1達成状況の概要"] - 1].startswith("1達成状況の概要（令和6年度）")
    assert texts[toc["2指標の判定一覧"] - 1].startswith("2指標の判定一覧（令和6年度）")
    first_sheet = toc["3取組管理票"]
    assert len(texts) == first_sheet - 1 + sheets  # every sheet fits one page here
    assert "No.1" in texts[first_sheet - 1] and all(
        "取組管理票" in t for t in texts[first_sheet - 1 :]
    )
    # each 方針's line names the page its first sheet is on (its bookmark's page)
    policies = {squash(t): p + 1 for t, p, _ in outline(pdf) if t.startswith("方針")}
    assert policies and {k: v for k, v in toc.items() if k.startswith("方針")} == policies
    assert all(is_a4(s, landscape=False) for s in page_sizes(pdf))
    # every footer: n / N and the date in 和暦
    assert all(f"{i + 1}/{len(texts)}" in t and "令和8年11月30日" in t for i, t in enumerate(texts))


def test_the_summary_counts_are_the_dashboards(desk, report):
    pdf, _ = report
    board = dashboard(desk, today=TODAY, year=FY)
    summary = page_texts(pdf)[2]

    def row(group, keys):
        bar = group.bars[FY]
        counts = [bar.count(k) for k in keys]
        rate = f"{bar.rate * 100:.1f}%" if bar.rate is not None else "－"
        name = f"{group.label}　{group.title}" if group.title else group.label
        return squash(f"{name}{''.join(map(str, counts))}{sum(counts)}{rate}")

    overall = board.status[0].bars[FY]
    assert (overall.count("achieved"), overall.count("not_achieved")) == (2, 1)
    for group in board.status:
        assert row(group, [s.value for s in STATUS_ORDER]) in summary
    assert "全体21" in summary and "66.7%" in summary
    for group in board.verdicts:
        assert row(group, [v.value for v in VERDICT_ORDER]) in summary
    # every indicator of the year in the table, with its 判定
    table = "".join(page_texts(pdf)[3 : 3 + 5])
    for view in board.indicators:
        assert squash(view.indicator.name) in table


def test_metadata(report):
    pdf, _ = report
    meta = PdfReader(str(pdf)).metadata
    assert meta.title == "金沢市行政経営プラン 進捗報告書 令和6年度"
    assert meta.author == "金沢市 行政経営プラン推進本部 事務局"
    assert "令和6年度" in meta.subject and "進捗" in meta.subject


def test_two_up_puts_two_sheets_on_each_landscape_page(desk, tmp_path):
    pdf = tmp_path / "2up.pdf"
    job = build_report_job(desk, year=FY, printed_on=TODAY, two_up=True)
    write_job(job, pdf)
    texts = page_texts(pdf)
    first_sheet = dict(toc_lines(pdf, 2))["3取組管理票"]
    sizes = page_sizes(pdf)
    sheets = sizes[first_sheet - 1 :]
    assert len(sheets) == (len(job.measure_ids) + 1) // 2
    assert all(is_a4(s, landscape=True) for s in sheets)
    assert all(is_a4(s, landscape=False) for s in sizes[: first_sheet - 1])
    page = texts[first_sheet - 1]
    assert "No.1" in page and "No.2" in page and page.index("No.1") < page.index("No.2")
    policies = {squash(t): p + 1 for t, p, _ in outline(pdf) if t.startswith("方針")}
    assert {k: v for k, v in dict(toc_lines(pdf, 2)).items() if k.startswith("方針")} == policies


def test_the_current_fiscal_year_by_default(desk, tmp_path):
    job = build_report_job(desk, printed_on=TODAY)
    assert job.report is not None and job.report.year == 2026
    assert job.report.title.endswith("令和8年度")
