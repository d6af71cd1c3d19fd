#!/usr/bin/env python3
"""Build the table of radicals that the bundled font draws with an ideograph's glyph.

Contract:
  input   resources/fonts/ipaexg.ttf (IPAexGothic, bundled);
  output  resources/fonts/ipaexg_shared_glyphs.json: {radical: ideograph}
          for every Kangxi / CJK radical or compatibility ideograph whose glyph is also
          the glyph of a unified ideograph (⽅ U+2F45 -> 方 U+65B9); deterministic;
  why     QPdfWriter's ToUnicode map names such a glyph by the radical, so text copied or
          searched in the PDF would read "⽅針"; printing/finish.py rewrites those targets;
  --check rebuilds in memory and exits 1 if the file differs.
Needs PySide6 (QRawFont).  Usage: python tools/build_font_map.py [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "resources" / "fonts"
OUT = FONTS / "ipaexg_shared_glyphs.json"
SUSPECT = [(0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]
UNIFIED = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF)]


def build() -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QRawFont

    _app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - fonts need it
    raw = QRawFont((FONTS / "ipaexg.ttf").read_bytes(), 12)

    def glyphs(ranges: list[tuple[int, int]]) -> list[tuple[str, int]]:
        chars = [chr(c) for lo, hi in ranges for c in range(lo, hi + 1)]
        out = []
        for ch in chars:  # one at a time: surrogate pairs would shift a joined string
            g = raw.glyphIndexesForString(ch)
            out.append((ch, g[0] if g else 0))
        return out

    first: dict[int, str] = {}
    for ch, g in glyphs(UNIFIED):
        if g:
            first.setdefault(g, ch)
    table = {r: first[g] for r, g in glyphs(SUSPECT) if g and g in first}
    return json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = build()
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            sys.stderr.write(f"{OUT.name} is out of date: run tools/build_font_map.py\n")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT}: {len(json.loads(text))} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
