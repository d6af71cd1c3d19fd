"""SearchIndex: typing on narrows the previous hits, and only when that cannot lose a hit."""

from __future__ import annotations

from kanazawa_desktop.domain.filtering import SearchIndex

TEXTS = {1: "窓口業務の改善", 2: "窓口の案内", 3: "業務委託", 4: "ＡＩ窓口業務", 5: "電子申請"}


def fresh(text: str) -> set[int]:
    return SearchIndex(TEXTS).find(text)


def test_typing_on_gives_what_a_fresh_index_gives():
    index = SearchIndex(TEXTS)
    for typed in [
        "窓",
        "窓口",
        "窓口業",
        "窓口業務",
        "窓口業務 ai",
        "業務",
        "務",
        "窓口 案内",
        "案内",
    ]:
        assert index.find(typed) == fresh(typed), typed


def test_a_shorter_or_other_word_after_a_longer_one_searches_everything():
    index = SearchIndex(TEXTS)
    assert index.find("窓口業務") == {1, 4}
    assert index.find("業務") == {1, 3, 4}  # not within the previous hits only
    assert index.find("申請") == {5}
    assert index.find("") == set(TEXTS)


def test_an_update_forgets_the_previous_hits():
    index = SearchIndex(TEXTS)
    assert index.find("窓口") == {1, 2, 4}
    index.update({5: "電子申請の窓口"})
    assert index.find("窓口業") == {1, 4} and index.find("窓口") == {1, 2, 4, 5}
