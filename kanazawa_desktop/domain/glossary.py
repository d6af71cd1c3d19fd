"""A plan's 用語解説: the notes its texts point at with a mark (「金沢版ネウボラ※6」), as stored
(plan.glossary JSON) and as a plan file declares them:
[{"mark": "※6", "term": "ネウボラ", "text": "フィンランド語で…"}].

Contract: `parse_glossary` returns the entries in the given order or raises InvalidValue (in
Japanese, naming the entry); marks are unique, mark, term and text are non-empty after
stripping. `glossary_to_list` is its inverse; an empty glossary is []. `marks_in` finds the
marks a text carries, so a sheet can print the notes it needs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import InvalidValue

_KEYS = {"mark", "term", "text"}
# a mark as the seed writes it: ※ and a number (※10 is one mark, not ※1 followed by 0)
_MARK = re.compile(r"※\d+")


@dataclass(frozen=True)
class GlossaryEntry:
    mark: str  # 「※6」
    term: str  # 「ネウボラ」
    text: str  # the explanation, one paragraph

    @property
    def heading(self) -> str:
        """「※6 ネウボラ」, as the report prints it."""
        return f"{self.mark} {self.term}"


Glossary = tuple[GlossaryEntry, ...]


def parse_glossary(data: object) -> Glossary:
    """The entries of the JSON list (None and [] are no glossary); InvalidValue if one is bad."""
    if data is None:
        return ()
    if not isinstance(data, list):
        raise InvalidValue(
            "計画の用語解説（glossary）が読めません: 一覧ではありません", key="glossary"
        )
    out: list[GlossaryEntry] = []
    for n, raw in enumerate(data, 1):
        if not isinstance(raw, Mapping) or set(raw) != _KEYS:
            raise InvalidValue(
                f"用語解説の{n}件目が読めません（mark・term・text の3項目で書きます）: {raw!r}",
                key="glossary",
            )
        values = [raw[k] for k in ("mark", "term", "text")]
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise InvalidValue(
                f"用語解説の{n}件目に空の項目があります（記号・用語・説明は省けません）: {raw!r}",
                key="glossary",
            )
        mark, term, text = (v.strip() for v in values)
        if any(e.mark == mark for e in out):
            raise InvalidValue(f"用語解説の記号「{mark}」が重なっています", key="glossary")
        out.append(GlossaryEntry(mark, term, text))
    return tuple(out)


def glossary_to_list(glossary: Glossary) -> list[dict[str, str]]:
    """The JSON list parse_glossary reads back."""
    return [{"mark": e.mark, "term": e.term, "text": e.text} for e in glossary]


def marks_in(*texts: str) -> tuple[str, ...]:
    """The marks the texts carry, each once, in the order they first appear."""
    seen: dict[str, None] = {}
    for t in texts:
        for m in _MARK.findall(t or ""):
            seen.setdefault(m, None)
    return tuple(seen)


def notes_for(glossary: Glossary, *texts: str) -> Glossary:
    """The entries whose marks the texts carry, in the glossary's order."""
    wanted = set(marks_in(*texts))
    return tuple(e for e in glossary if e.mark in wanted)
