"""The report's 用語解説 (after the 取組管理票, in the 目次 and the outline) and a 目次 that runs
over a page, its numbers checked against the PDF's pages and bookmarks."""

from __future__ import annotations

from datetime import date

from plan_helpers import second_plan
from printing_helpers import outline, page_texts, squash, toc_lines

from kanazawa_desktop.services.printing import write_job
from kanazawa_desktop.services.report import build_report_job
from kanazawa_desktop.store.plan_loader import load_plan

TODAY = date(2026, 11, 30)


def test_the_strategys_report_ends_with_its_glossary(secretariat, tmp_path):
    pdf = tmp_path / "sogo.pdf"
    with secretariat.on_plan("sogo_senryaku_3"):
        job = build_report_job(secretariat, year=2024, printed_on=TODAY)
        write_job(job, pdf)
    texts = page_texts(pdf)
    assert texts[1].startswith("目次")
    toc = dict(toc_lines(pdf, 2))
    at = toc["4用語解説"]  # after 1 概要, 2 指標, 3 取組管理票
    assert at > toc["3取組管理票"] and texts[at - 1].startswith("4用語解説")
    glossary = "".join(texts[at - 1 :])
    for heading in ("※1Society5.0", "※6ネウボラ", "※7無意識の思い込み", "※10MaaS"):
        assert heading in glossary
    assert "フィンランド語でネウボ（neuvo）" in glossary
    assert all("取組管理票" not in t for t in texts[at - 1 :])  # nothing after it
    assert texts[at - 2].count("取組管理票")  # the page before is the last sheet
    # the outline's 用語解説 is the 目次's page; the sheets keep the marks
    assert ("用語解説", at - 1) in [(t, p) for t, p, _ in outline(pdf)]
    assert any("金沢版ネウボラ※6" in t for t in texts[toc["3取組管理票"] - 1 : at - 1])


def test_a_plan_without_notes_has_no_glossary_part(secretariat, tmp_path):
    pdf = tmp_path / "digital.pdf"
    with secretariat.on_plan("digital_2"):
        write_job(build_report_job(secretariat, year=2022, printed_on=TODAY), pdf)
    assert not any("用語解説" in t for t, _ in toc_lines(pdf, 2))
    assert "用語解説" not in [t for t, _, _ in outline(pdf)]


def _many_goals(n: int) -> dict:
    data = second_plan()
    data["plan"]["code"] = "many"
    base = data["measures"][1]
    for k in range(2, n + 1):
        data["nodes"] += [
            {
                "key": f"{k}",
                "parent": None,
                "level": 1,
                "label": f"基本目標{k}",
                "title": f"目標その{k}",
                "description": "",
            },
            {
                "key": f"{k}-1",
                "parent": f"{k}",
                "level": 2,
                "label": "(1)",
                "title": f"施策その{k}",
                "description": "",
            },
        ]
        data["measures"].append({**base, "key": f"{k}-1-①", "number": k + 1, "node": f"{k}-1"})
    data["plan"]["glossary"] = [{"mark": "※1", "term": "語", "text": "説明"}]
    return data


def test_a_long_contents_takes_two_pages_and_every_number_is_right(secretariat, tmp_path):
    """40 level-1 nodes: the 目次 runs over two pages; the summary starts after both, and
    every line's number is the page its part begins on (text) or its bookmark's page."""
    load_plan(secretariat.db, _many_goals(40))
    pdf = tmp_path / "many.pdf"
    with secretariat.on_plan("many"):
        write_job(build_report_job(secretariat, year=2024, printed_on=TODAY), pdf)
    texts = page_texts(pdf)
    assert texts[1].startswith("目次") and texts[2].startswith("目次（続き）")
    lines = toc_lines(pdf, 2) + toc_lines(pdf, 3)
    assert len(lines) == 1 + 1 + 1 + 40 + 1  # 概要, 指標, 取組管理票, 40 goals, 用語解説
    toc = dict(lines)
    assert toc["1達成状況の概要"] == 4 and texts[3].startswith("1達成状況の概要")
    assert texts[toc["2指標の判定一覧"] - 1].startswith("2指標の判定一覧")
    assert "No.1" in texts[toc["3取組管理票"] - 1]
    assert texts[toc["4用語解説"] - 1].startswith("4用語解説") and toc["4用語解説"] == len(texts)
    marks = {squash(t): p + 1 for t, p, _ in outline(pdf)}
    goals = [(t, n) for t, n in lines if t.startswith("基本目標")]
    assert len(goals) == 40 and all(marks[t] == n for t, n in goals)
    assert all(f"{i + 1}/{len(texts)}" in t for i, t in enumerate(texts))


def test_a_sheet_prints_the_notes_its_texts_point_at(secretariat, tmp_path):
    """No.1 (「金沢版ネウボラ※6」) has ※6 at its foot, in small type; a sheet without a mark has
    none; the notes take only spare room: the sheets' page count is what it is without them."""
    from dataclasses import replace

    from kanazawa_desktop.services.printing import build_job

    with secretariat.on_plan("sogo_senryaku_3"):
        job = build_job(secretariat, printed_on=TODAY)
    pdf, bare = tmp_path / "sheets.pdf", tmp_path / "bare.pdf"
    write_job(job, pdf)
    write_job(replace(job, plan=replace(job.plan, glossary=())), bare)
    texts, plain = page_texts(pdf, above_footer=True), page_texts(bare, above_footer=True)
    assert len(texts) == len(plain)
    no1 = next(t for t in texts if "No.1妊娠" in t)
    assert "金沢版ネウボラ※6" in no1 and "※6ネウボラ：フィンランド語で" in no1
    assert no1.endswith("総合的な支援サービスをいう。")  # below the table
    no2 = next(t for t in texts if "No.2" in t and "※" not in t.split("No.2")[0])
    assert "※" not in no2
    for note in ("※7無意識の思い込み", "※8リスクリング：", "※9リカレント教育：", "※10MaaS："):
        assert any(note in t for t in texts), note
    assert not any("ネウボラ：" in t for t in plain)
