"""Which measures a person sees: their department's, narrowed by search text, year and status."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .fields import Role
from .model import MeasureRow
from .status import Status


def normalize(text: str) -> str:
    """Fold width, case and kana so 'ＡＩ' finds 'AI', 'maas' finds 'MaaS' and 'てれわーく'
    finds 'テレワーク'; spaces dropped."""
    return _kana(_nfkc(text)).casefold().replace(" ", "").replace("\u3000", "")


# Katakana fold to hiragana: one fixed offset within Unicode's kana blocks (ァ U+30A1 …
# ヶ U+30F6 → ぁ U+3041 … ゖ U+3096, and the iteration marks ヽヾ → ゝゞ); ヷ–ヺ have no
# hiragana and stay. The domain stays stdlib-only, and this is all of jaconv.kata2hira we
# need. Katakana, not hiragana, is the side folded: it is 5 % of the city's texts, against
# 40 % hiragana, so folding its runs costs a fraction of folding every hiragana (a pass of
# its own: joined into the NFKC table's pattern, the alternation made that pass 2.5x slower).
_KATA_TO_HIRA = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)} | {0x30FD: 0x309D, 0x30FE: 0x309E}
_KATA_RUN = re.compile("[\u30a1-\u30f6\u30fd\u30fe]+")


def _kana(text: str) -> str:
    """Katakana folded to hiragana (after NFKC, so half-width ｶ is カ first, then か)."""
    if text.isascii():
        return text
    return _KATA_RUN.sub(lambda m: m.group().translate(_KATA_TO_HIRA), text)


@lru_cache(maxsize=1)
def _nfkc_table() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str]]:
    """Every BMP character NFKC changes and what it becomes (about 3,000; built once), and the
    characters a table cannot fold: those NFC may join to the one before (combining marks,
    the second half of a canonical pair, Hangul jamo) and those that fold to one."""
    chars = [chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
    # what NFC may join to the character before it: the second half of every canonical pair,
    # Hangul vowel and final jamo, and every combining mark
    composers = {
        chr(int(d.split()[1], 16))
        for d in map(unicodedata.decomposition, chars)
        if d and not d.startswith("<") and len(d.split()) == 2
    }
    composers |= {chr(cp) for cp in (*range(0x1161, 0x1176), *range(0x11A8, 0x11C3))}
    composers |= {c for c in chars if unicodedata.combining(c)}
    table, special = {}, []
    for ch in chars:
        folded = unicodedata.normalize("NFKC", ch)
        if ch in composers or any(c in composers for c in folded):
            special.append(ch)
        elif folded != ch:
            table[ch] = folded
    cls = "".join(re.escape(c) for c in special)
    return (
        re.compile("[" + "".join(re.escape(c) for c in table) + "]"),
        table,
        re.compile(f"[{cls}\U00010000-\U0010ffff]"),
    )


def _nfkc(text: str) -> str:
    """NFKC, character by character through a table: 14x faster on Japanese text, which has
    full-width punctuation in almost every line (20,000 measures' texts: 0.3 s, not 4.4 s).
    Text with combining or (half-width) voicing marks, or characters outside the BMP, goes
    through the real NFKC, which composes and reorders them."""
    if text.isascii():
        return text
    pattern, table, special = _nfkc_table()
    if special.search(text):
        return unicodedata.normalize("NFKC", text)
    return pattern.sub(lambda m: table[m.group()], text)


@dataclass(frozen=True)
class MeasureFilter:
    text: str = ""
    department: str | None = None
    fy: int | None = None
    status: Status | None = None
    include_retired: bool = True
    unwritten: int | None = None  # 未入力: a year whose 実施結果 is still to write

    def matches(self, row: MeasureRow, haystack: str = "") -> bool:
        if self.department and self.department not in row.departments:
            return False
        if self.unwritten is not None and (
            # a 【再掲】 row's results are its original's, a retired measure takes none
            row.repeat_of is not None or row.retired or self.unwritten in row.written
        ):
            return False
        if not self.include_retired and row.retired:
            return False
        if self.status is not None:
            years = [self.fy] if self.fy else list(row.statuses) or []
            if not any(row.statuses.get(fy, Status.PENDING) == self.status for fy in years):
                return False
        if self.text:
            hay = normalize(
                " ".join(
                    [
                        row.number_label,
                        str(row.number or ""),
                        row.name,
                        " ".join(row.departments),
                        haystack,
                    ]
                )
            )
            parts = [normalize(p) for p in self.text.replace("\u3000", " ").split()]
            if not all(p in hay for p in parts):
                return False
        return True


class SearchIndex:
    """Folded search text per measure, prepared once, so a keystroke costs a scan of
    prepared strings instead of reading and folding every measure's texts again."""

    def __init__(self, texts: dict[int, str] | None = None) -> None:
        self._folded: dict[int, str] = {}
        self._last: tuple[list[str], list[int]] = ([], [])  # the last words and what they found
        self.update(texts or {})

    def update(self, texts: dict[int, str]) -> None:
        folded = dict(self._folded)  # replaced whole: a reader never sees it half-updated
        folded.update({mid: normalize(text) for mid, text in texts.items()})
        self._folded = folded
        self._last = ([], [])

    def find(self, text: str) -> set[int]:
        """Ids whose text holds every word of `text` (folded the same way)."""
        parts = [normalize(p) for p in text.replace("\u3000", " ").split()]
        parts = [p for p in parts if p]
        if not parts:
            return set(self._folded)
        folded = self._folded
        last_parts, last_found = self._last
        if last_parts and all(any(p in q for q in parts) for p in last_parts):
            # typing on: every earlier word is inside a new one, so only earlier hits can match
            found, todo = last_found, parts
        else:  # one plain `in` per text: 20,000 texts (25 M characters) in tens of ms
            found, todo = [mid for mid, hay in folded.items() if parts[0] in hay], parts[1:]
        for part in todo:
            found = [mid for mid in found if part in folded[mid]]
        self._last = (parts, found)
        return set(found)


def _joins(ch: str) -> bool:
    """Whether `ch` folds together with the character before it (a combining or half-width
    voicing mark: ｶﾞ is one が)."""
    return bool(unicodedata.combining(ch)) or ch in "\uff9e\uff9f\u3099\u309a"


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the words of `query` occur in `text`, found as the search finds them (width,
    case and kana folded: 「てれわーく」 marks 「テレワーク」), as sorted, merged (start, end)
    offsets into `text` itself, for highlighting what a person sees."""
    parts = [p for p in (normalize(w) for w in query.replace("\u3000", " ").split()) if p]
    if not parts or not text:
        return []
    folded: list[str] = []
    starts: list[int] = []  # per folded character: the span of `text` it came from
    ends: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and _joins(text[j]):
            j += 1
        piece = normalize(text[i:j])
        folded.append(piece)
        starts += [i] * len(piece)
        ends += [j] * len(piece)
        i = j
    hay = "".join(folded)
    spans = []
    for part in parts:
        at = hay.find(part)
        while at >= 0:
            spans.append((starts[at], ends[at + len(part) - 1]))
            at = hay.find(part, at + len(part))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def exact_number_first(rows: list[MeasureRow], text: str) -> list[MeasureRow]:
    """`rows` with the measure whose 取組No. `text` asks for (「10」, 「No.10」) moved to the
    front: typing 10 lists No.10 before No.100 and a text that mentions 10."""
    asked = number_asked(text) if text else None
    if asked is None:
        return rows
    at = next((i for i, r in enumerate(rows) if r.number == asked and r.repeat_of is None), None)
    if not at:  # None, or already first
        return rows
    return [rows[at], *rows[:at], *rows[at + 1 :]]


def number_asked(text: str) -> int | None:
    """The 取組No. a search is for, when it is one: 「10」, 「No.10」, 「ｎｏ．１０」 → 10."""
    folded = normalize(text)
    folded = folded.removeprefix("no.").removeprefix("no")
    return int(folded) if folded.isdigit() and folded.isascii() else None


def search_text(row: MeasureRow, texts: str) -> str:
    """What a measure is found by: its number, name, departments and texts."""
    return " ".join(
        [row.number_label, str(row.number or ""), row.name, " ".join(row.departments), texts]
    )


def visible_to(role: Role | None, row: MeasureRow) -> bool:
    """A department sees only the measures it holds (each department of a joint measure does)."""
    return role is None or role.owns(row.departments)
