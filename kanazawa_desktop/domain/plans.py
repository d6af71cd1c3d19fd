"""Choosing a plan by what a person types: its key, or a part of its name only it has."""

from __future__ import annotations

from .errors import InvalidValue
from .filtering import normalize as fold
from .model import Plan


def find_plan(plans: list[Plan], key: str) -> Plan:
    """The plan whose code is `key`, else the one plan whose name contains it (width and case
    folded: 「総合戦略」, 「デジタル」, 「ＤＸ」 = 「DX」). InvalidValue naming the plans otherwise."""
    wanted = key.strip()
    for p in plans:
        if p.code == wanted:
            return p
    needle = fold(wanted)
    hits = [p for p in plans if needle and needle in fold(p.name)]
    if len(hits) == 1:
        return hits[0]
    names = "、".join(f"{p.code}（{p.name}）" for p in plans)
    if hits:
        raise InvalidValue(
            f"計画「{key}」に当てはまる計画が複数あります: "
            + "、".join(p.name for p in hits)
            + "。もっと詳しく指定してください",
            key=key,
        )
    raise InvalidValue(f"計画「{key}」はありません。あるのは {names} です", key=key)
