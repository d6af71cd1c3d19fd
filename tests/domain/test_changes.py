"""What a mutation says it changed, and the rows and search index the desk keeps up to date."""

from __future__ import annotations

import sqlite3

from kanazawa_desktop.domain.changes import Changes
from kanazawa_desktop.domain.fields import FieldChange
from kanazawa_desktop.domain.filtering import MeasureFilter, SearchIndex
from kanazawa_desktop.domain.status import Status


def test_changes_of_field_changes():
    c = Changes.of(
        [
            FieldChange(7, "result_text", "", "a", 2023),
            FieldChange(7, "status", "", "achieved", 2024),
        ],
        5,
    )
    assert c.measures == {7} and c.years == {2023, 2024} and c.batches == {5} and not c.structure
    assert Changes.of([FieldChange(7, "node", "1-1-1", "1-1-2")]).structure
    assert Changes.of([FieldChange(0, "title", "a", "b", node_id=3)]).nodes == {3}
    assert (c | Changes(exchange=True)).exchange and (c | Changes(exchange=True)).measures == {7}
    assert not Changes() and Changes(exchange=True)


def test_search_index_folds_width_and_case_and_needs_every_word():
    idx = SearchIndex({1: "ＡＩを活用した窓口", 2: "AI 研修", 3: "窓口の改善"})
    assert idx.find("ai") == {1, 2} and idx.find("ai 窓口") == {1} and idx.find("　") == {1, 2, 3}
    idx.update({2: "研修"})
    assert idx.find("AI") == {1}


def _mid(desk, number):
    return next(r.id for r in desk.rows() if r.number == number)


def test_a_save_says_what_it_changed_and_the_rows_follow(secretariat):
    mid = _mid(secretariat, 10)
    secretariat.take_changes()
    result = secretariat.save(
        mid, {(2023, "status"): "達成", (2023, "result_text"): "ふくろう研修"}
    )
    assert (
        result.delta.measures == {mid}
        and result.delta.years == {2023}
        and not result.delta.structure
    )
    assert secretariat.take_changes() == result.delta and not secretariat.take_changes()
    row = next(r for r in secretariat.rows() if r.id == mid)
    assert row.statuses[2023] == Status.ACHIEVED
    found = secretariat.rows(MeasureFilter(text="ふくろう"))
    assert [r.id for r in found] == [mid]


def test_rows_notice_a_commit_by_another_program(secretariat, db_path):
    mid = _mid(secretariat, 11)
    assert not secretariat.rows(MeasureFilter(text="外部プログラムの記入"))
    con = sqlite3.connect(db_path)
    con.execute(
        "UPDATE measure_year SET result_text='外部プログラムの記入' WHERE measure_id=? AND fy=2023",
        (mid,),
    )
    con.commit()
    con.close()
    assert [r.id for r in secretariat.rows(MeasureFilter(text="外部プログラムの記入"))] == [mid]


def test_moving_a_measure_is_a_structure_change(secretariat):
    mid = _mid(secretariat, 10)
    other = next(
        n for n in secretariat.nodes() if n.level == 3 and n.id != secretariat.measure(mid).node_id
    )
    result = secretariat.save(mid, {(None, "node"): other.key})
    assert result.delta.structure
    assert next(r for r in secretariat.rows() if r.id == mid).node_id == other.id


def test_search_folds_katakana_and_hiragana_together():
    from kanazawa_desktop.domain.filtering import SearchIndex, normalize

    assert normalize("てれわーく") == normalize("テレワーク") == normalize("ﾃﾚﾜｰｸ")
    assert normalize("ガイドヽヾ") == normalize("がいどゝゞ")
    assert normalize("ヷ") == "ヷ"  # no hiragana of its own: kept
    index = SearchIndex({1: "No.10 テレワーク、時差出勤等に対応した環境の充実", 2: "窓口業務"})
    assert index.find("てれわーく") == {1}
    assert index.find("じさ") == set()  # 時差 is kanji: no reading is guessed
    assert index.find("テレわーく 環境") == {1}


def test_search_folding_is_nfkc_on_japanese_text():
    """normalize() takes a table shortcut for speed; on the text staff type it equals NFKC
    followed by the katakana → hiragana fold (a fixed offset: ァ U+30A1 … ゖ, ヽヾ → ゝゞ)."""
    import unicodedata

    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from kanazawa_desktop.domain.filtering import normalize

    chars = st.sampled_from(
        [
            chr(c)
            for r in (
                (0x20, 0x7F),
                (0x3000, 0x3100),
                (0xFF61, 0xFFA0),  # half-width katakana
                (0x4E00, 0x4E40),
                (0xFF01, 0xFFA0),
                (0x2460, 0x2480),
                (0x3200, 0x3260),
                (0x0300, 0x0370),
                (0x1100, 0x1200),
                (0xAC00, 0xAC10),
                (0x0B3E, 0x0B58),
            )
            for c in range(*r)
        ]
        + ["𠮷", "\u3099", "\u0301"]
    )

    @settings(max_examples=1000, deadline=None, derandomize=True)
    @given(st.text(chars, max_size=40))
    @example("\u302a\u302b")  # tone marks NFKC reorders
    @example("\u1100\u1161")  # Hangul jamo NFKC composes
    @example("ｶﾞｲﾄﾞ")  # half-width voicing marks
    @example("\u0b47\u0b3e")  # a canonical pair whose second half is not a combining mark
    def check(text):
        kana = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)} | {0x30FD: 0x309D, 0x30FE: 0x309E}
        expected = (
            unicodedata.normalize("NFKC", text)
            .translate(kana)
            .casefold()
            .replace(" ", "")
            .replace("\u3000", "")
        )
        assert normalize(text) == expected

    check()
