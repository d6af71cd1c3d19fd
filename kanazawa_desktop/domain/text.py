"""Typed or pasted text as it is kept: line breaks as \\n, no invisible control characters.

Text pasted from Windows programs brings CR LF or a lone CR, Word brings a vertical tab for
a manual line break; other control characters are invisible and XML (so .xlsx) cannot
carry them, nor U+FFFE, U+FFFF and lone surrogates (which SQLite cannot even store as
UTF-8). Kept text uses \\n only, and tabs. `XML_ILLEGAL` finds what XML 1.0 cannot carry:
the workbook's writer refuses text stored before this cleaning.
"""

from __future__ import annotations

import re

_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    return _CONTROLS.sub("", _BREAKS.sub("\n", text))
