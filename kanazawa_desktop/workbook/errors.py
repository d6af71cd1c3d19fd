"""The error a returned workbook is refused with as a whole: BadWorkbook(message, kind).

Defined in domain/errors.py with every error class (and its code); named here too because
it is the workbook layer's refusal.
"""

from __future__ import annotations

from ..domain.errors import BadWorkbook as BadWorkbook
