"""A plan's 用語解説 (plan.glossary, schema 12): read, refused, written back; the marks a text
carries."""

from __future__ import annotations

import pytest

from kanazawa_desktop.domain.errors import InvalidValue
from kanazawa_desktop.domain.glossary import (
    GlossaryEntry,
    glossary_to_list,
    marks_in,
    notes_for,
    parse_glossary,
)

NEUVOLA = {"mark": "※6", "term": "ネウボラ", "text": "「アドバイスの場」という意味。"}
MAAS = {"mark": "※10", "term": "M a a S", "text": "すべての交通手段を1つのサービスと捉える"}


def test_entries_are_read_in_order_and_written_back():
    g = parse_glossary([NEUVOLA, MAAS])
    assert g == (
        GlossaryEntry("※6", "ネウボラ", "「アドバイスの場」という意味。"),
        GlossaryEntry("※10", "M a a S", "すべての交通手段を1つのサービスと捉える"),
    )
    assert g[0].heading == "※6 ネウボラ"
    assert glossary_to_list(g) == [NEUVOLA, MAAS]
    assert parse_glossary(None) == parse_glossary([]) == ()


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ({"mark": "※6"}, "読めません"),
        ([{"mark": "※6", "term": "ネウボラ"}], "1件目が読めません"),
        ([NEUVOLA, {**MAAS, "colour": "red"}], "2件目が読めません"),
        ([{**NEUVOLA, "term": " "}], "空の項目"),
        ([{**NEUVOLA, "text": ""}], "空の項目"),
        ([{**NEUVOLA, "mark": 6}], "空の項目"),
        ([NEUVOLA, {**MAAS, "mark": "※6"}], "記号「※6」が重なっています"),
        (["※6 ネウボラ"], "1件目が読めません"),
    ],
)
def test_a_bad_entry_is_refused_in_japanese(bad, says):
    with pytest.raises(InvalidValue, match=says):
        parse_glossary(bad)


def test_the_marks_a_text_carries():
    assert marks_in("金沢版ネウボラ※6の充実", "金沢M a a S※10と※6") == ("※6", "※10")
    assert marks_in("", "※印なし") == ()
    g = parse_glossary([NEUVOLA, MAAS])
    assert notes_for(g, "金沢M a a S※10の推進") == (g[1],)
    assert notes_for(g, "※1だけ") == ()  # ※1 is not ※10's prefix match
