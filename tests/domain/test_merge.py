"""The three-way merge decision: base (issued) / master (now) / file (returned)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kanazawa_desktop.domain.merge import Decision, decide, is_blank, same

values = st.one_of(
    st.sampled_from(["", "達成", "a", "b", "=SUM(A1)", "-3"]),
    st.text(max_size=5),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)


def test_matrix_examples():
    assert decide("a", "a", "a") == Decision.KEEP
    assert decide("a", "b", "a") == Decision.KEEP  # master changed, file not: master stays
    assert decide("a", "a", "b") == Decision.APPLY
    assert decide("a", "b", "b") == Decision.SAME
    assert decide("a", "b", "c") == Decision.CONFLICT
    assert decide(70.0, 70, 70) == Decision.KEEP
    assert decide(None, None, 5.0) == Decision.APPLY


def test_blank_rule_never_wipes_silently():
    assert decide("結果", "結果", "") == Decision.BLANK
    assert decide("結果", "結果", "").is_conflict
    assert decide(5.0, 5.0, None) == Decision.BLANK
    assert decide("", "", "") == Decision.KEEP
    assert decide("結果", "", "") == Decision.SAME  # master was cleared too
    assert decide("結果", "別", "") == Decision.CONFLICT
    # a blank status cell reads as 未確定 (code "") but is still a cleared cell
    assert decide("achieved", "achieved", "", file_blank=True) == Decision.BLANK
    assert decide("achieved", "achieved", "", file_blank=False) == Decision.APPLY
    assert decide("", "", "", file_blank=True) == Decision.KEEP


@given(values, values, values)
def test_merge_matrix_property(base, master, file):
    d = decide(base, master, file)
    if same(file, base):
        assert d == Decision.KEEP or (is_blank(file) and not is_blank(base))
    elif same(file, master):
        assert d == Decision.SAME
    elif same(master, base):
        assert d == (Decision.BLANK if is_blank(file) and not is_blank(base) else Decision.APPLY)
    else:
        assert d == Decision.CONFLICT
    # the file's value is taken silently only when the master still holds the base
    if d == Decision.APPLY:
        assert same(master, base) and not is_blank(file) or is_blank(base)
    if d.is_conflict:
        assert not same(file, master)
