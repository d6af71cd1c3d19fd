"""Typed or pasted text as it is kept: line breaks as \\n, no invisible control characters.

Text pasted from Windows programs brings CR LF or a lone CR, Word brings a vertical tab for
a manual line break; other control characters are invisible and XML (so .xlsx) cannot
carry them. Kept text uses \\n only, and tabs.
"""

from __future__ import annotations

import re

_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    return _CONTROLS.sub("", _BREAKS.sub("\n", text))
