"""Printing to PDF through services.printing: pages, A4, fonts, text, bookmarks, scope, cancel.

The renderer needs a Qt application object for fonts; it uses QtGui only. The tests ask
pytest-qt for the process-wide application so later widget tests in the same run can still
use it (a bare QGuiApplication would make them fail).
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from conftest import REPO
from printing_helpers import font_sizes, fonts, is_a4, outline, page_sizes, page_texts, squash

from kanazawa_desktop.domain.errors import InvalidValue
from kanazawa_desktop.domain.status import Status
from kanazawa_desktop.printing.finish import fix_cmap
from kanazawa_desktop.services import printing as P
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.services.progress import Cancelled, Progress

LONG = "".join(f"［{i:03d}］研修会を開催し参加者の意見を集約した。" for i in range(120))[:2000]
MEDIUM = LONG[:600]


@pytest.fixture(scope="module")
def plan_desk(tmp_path_factory, qapp):
    desk = Desk.open(tmp_path_factory.mktemp("print") / "desk.sqlite3")
    desk.set_role(secretariat=True)
    by_no = {m.number: m for m in desk.measures() if m.number}
    desk.save(
        by_no[1].id,
        {
            (2023, "status"): Status.ACHIEVED,
            (2023, "actual"): 85,
            (2024, "status"): Status.NOT_ACHIEVED,
        },
    )
    desk.save(by_no[20].id, {(2023, "result_text"): MEDIUM})
    yield desk
    desk.close()


@pytest.fixture(scope="module")
def everything(plan_desk, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "all.pdf"
    result = P.print_pdf(plan_desk, out, listing=True)
    return result, plan_desk.measures()


def test_one_a4_portrait_page_per_measure_after_the_landscape_list(everything):
    result, measures = everything
    sizes = page_sizes(result.path)
    assert result.pages == len(sizes) and result.measures == len(measures) == 92
    list_pages = sum(1 for w, h in sizes if w > h)
    assert 1 <= list_pages <= 8
    assert len(sizes) == len(measures) + list_pages
    assert all(is_a4(s, landscape=True) for s in sizes[:list_pages])
    assert all(is_a4(s, landscape=False) for s in sizes[list_pages:])


def test_the_bundled_font_is_embedded_with_unicode_maps(everything):
    rows = fonts(everything[0].path)
    assert rows and all(r["emb"] == "yes" and r["uni"] == "yes" for r in rows), rows
    assert any("IPAexGothic" in r["name"] for r in rows)


def test_every_name_and_vision_is_text_on_its_own_sheet(everything):
    result, measures = everything
    texts = page_texts(result.path)
    sheets = texts[len(texts) - len(measures) :]
    for m, text in zip(measures, sheets, strict=True):
        assert squash(m.name) in text, m.number_label
        assert squash(m.vision) in text, m.number_label
        assert squash(m.department_text) in text
    listing = "".join(texts[: len(texts) - len(measures)])
    assert all(squash(m.name) in listing for m in measures)
    # the font's shared radical glyphs are mapped back to ideographs (⽅針 -> 方針)
    assert not any(0x2E80 <= ord(ch) <= 0x2FDF for ch in "".join(texts))


def test_footer_has_page_numbers_print_date_and_data_version(everything, plan_desk):
    result, _ = everything
    texts = page_texts(result.path)
    version = squash(P.data_version(plan_desk))
    assert version.startswith("#")
    for i, text in enumerate(texts, 1):
        assert f"{i}/{len(texts)}" in text
        assert version in text and "印刷日" in text


def test_bookmarks_per_policy_and_measure(everything, plan_desk):
    result, measures = everything
    tops = outline(result.path)
    assert tops[0][0] == "取組事項一覧" and tops[0][1] == 0
    policies = [n for n in plan_desk.nodes() if n.level == 1]
    assert [t[0] for t in tops[1:]] == [p.caption for p in policies]
    children = [c for t in tops[1:] for c in t[2]]
    assert len(children) == len(measures)
    first_sheet = result.pages - len(measures)
    for (title, page), m in zip(children, measures, strict=True):
        assert page == first_sheet + measures.index(m)
        assert m.name in title
    assert all(t[1] == t[2][0][1] for t in tops[1:])


def test_600_characters_shrink_to_fit_their_cell_and_are_all_there(plan_desk, tmp_path):
    no20 = next(m for m in plan_desk.measures() if m.number == 20)
    result = P.print_pdf(plan_desk, tmp_path / "no20.pdf", measure_ids=[no20.id])
    assert result.pages == 1
    assert squash(MEDIUM) in page_texts(result.path)[0]


def test_2000_characters_go_to_a_continuation_page_rather_than_below_7pt(plan_desk, tmp_path):
    no21 = next(m for m in plan_desk.measures() if m.number == 21)
    plan_desk.save(no21.id, {(2023, "result_text"): LONG})
    try:
        result = P.print_pdf(plan_desk, tmp_path / "no21.pdf", numbers=[21])
        texts = page_texts(result.path, above_footer=True)
        assert result.pages == 2 and "別紙" in texts[0] and squash(LONG) in texts[1]
        sizes = font_sizes(result.path, page=1)
        assert sizes and min(sizes) >= 7.0 - 0.05  # nothing on the sheet itself is smaller
    finally:
        plan_desk.save(no21.id, {(2023, "result_text"): ""})


def test_text_too_long_for_a_page_continues_on_extra_pages(plan_desk, tmp_path):
    no86 = next(m for m in plan_desk.measures() if m.number == 86)
    huge = "".join(f"第{i}項の記録。" for i in range(3000)) + "ここが末尾"
    plan_desk.save(no86.id, {(2024, "result_text"): huge})
    try:
        result = P.print_pdf(plan_desk, tmp_path / "no86.pdf", numbers=[86])
        texts = page_texts(result.path, above_footer=True)
        assert result.pages > 2
        assert "別紙" in texts[0] and squash(no86.vision) in texts[0]
        running = squash(f"No.86　{no86.display_name}（別紙・続き）")
        assert all(t.startswith(running) for t in texts[2:])  # each later page says whose it is
        body = "".join(t.removeprefix(running) for t in texts[1:])
        assert squash(huge) in body  # in full, in order, across pages
    finally:
        plan_desk.save(no86.id, {(2024, "result_text"): ""})


def test_department_scope_includes_joint_measures(plan_desk, tmp_path):
    result = P.print_pdf(plan_desk, tmp_path / "jinji.pdf", department="人事課")
    chosen = [m for m in plan_desk.measures() if "人事課" in m.departments]
    assert result.measures == result.pages == len(chosen) == 6
    assert any(len(m.departments) > 1 for m in chosen)
    assert [t for t, _, _ in outline(result.path)] == [
        n.caption for n in plan_desk.nodes() if n.level == 1 and n.key == "1"
    ]


def test_policy_scope_and_selected_numbers(plan_desk, tmp_path):
    policy3 = P.select_measures(plan_desk, policy=3)
    assert policy3 and all(m.number is None or m.number >= 58 for m in policy3)
    picked = P.select_measures(plan_desk, numbers=[5, 1, 86])
    assert [m.number for m in picked] == [1, 5, 86]  # printed order
    result = P.print_pdf(plan_desk, tmp_path / "list.pdf", policy=2, sheets=False, listing=True)
    assert all(w > h for w, h in page_sizes(result.path))


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"numbers": [999]}, "No.999"),
        ({"department": "人事部"}, "人事部"),
        ({"policy": 9}, "方針9"),
    ],
)
def test_unknown_choices_are_refused_in_japanese(plan_desk, tmp_path, kwargs, words):
    with pytest.raises(InvalidValue) as err:
        P.print_pdf(plan_desk, tmp_path / "x.pdf", **kwargs)
    assert words in err.value.message
    assert not list(tmp_path.iterdir())


def test_cancel_between_pages_leaves_no_file_and_keeps_the_old_one(plan_desk, tmp_path):
    out = tmp_path / "all.pdf"
    out.write_bytes(b"previous")
    seen = []
    progress = Progress(
        lambda done, total, text: seen.append(done) or (done >= 3 and progress.cancel())
    )
    with pytest.raises(Cancelled):
        P.print_pdf(plan_desk, out, progress=progress)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["all.pdf"]  # no temporary file left
    assert 3 <= max(seen) < 10


def test_unwritable_destinations_are_refused(plan_desk, tmp_path):
    with pytest.raises(InvalidValue, match="フォルダーがありません"):
        P.print_pdf(plan_desk, tmp_path / "missing" / "x.pdf", numbers=[1])
    with pytest.raises(InvalidValue, match="フォルダーです"):
        P.print_pdf(plan_desk, tmp_path, numbers=[1])


def test_cmap_targets_on_radicals_become_ideographs():
    cmap = (
        b"2 beginbfchar\n<0003> <2F45>\n<0004> <0041>\nendbfchar\n"
        b"1 beginbfrange\n<0005> <0006> [<2F8F> <8A08>]\nendbfrange\n"
        b"1 beginbfrange\n<0010> <0011> <2F45>\nendbfrange\n"
    )
    fixed = fix_cmap(cmap)
    assert b"<0003> <65B9>" in fixed and b"<0004> <0041>" in fixed
    assert b"[<884C> <8A08>]" in fixed  # ⾏ -> 行
    assert b"<0010> <0011> [<65B9> <65E0>]" in fixed  # a range expanded: ⽅⽆ -> 方无
    assert fix_cmap(b"1 beginbfchar\n<0001> <65B9>\nendbfchar\n") is None


def test_the_font_map_matches_the_bundled_font():
    out = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_font_map.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr


def test_font_licence_ships_beside_the_font():
    folder = REPO / "resources" / "fonts"
    assert (folder / "ipaexg.ttf").stat().st_size > 1_000_000
    licence = (folder / "IPA_Font_License_Agreement_v1.0.txt").read_text(encoding="utf-8")
    assert "IPA Font License Agreement v1.0" in licence and "IPAフォントライセンスv1.0" in licence


def test_printing_uses_qtgui_only():
    for path in (REPO / "kanazawa_desktop" / "printing").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert "QtWidgets" not in name and "QtPrintSupport" not in name, path.name


def test_a_repeated_row_names_the_measure_it_repeats(plan_desk, tmp_path):
    from kanazawa_desktop.printing.sheet import title_of

    job = P.build_job(plan_desk, sheets=True)
    measures = list(job.iter_measures())
    repeats = [m for m in measures if m.is_repeat]
    assert len(repeats) == 2
    for m in repeats:
        original = next(x for x in measures if x.number == m.repeat_of)
        assert title_of(m, job).endswith(f"（No.{m.repeat_of}）")
        assert original.name == m.name  # the seed's 【再掲】 rows repeat these names
