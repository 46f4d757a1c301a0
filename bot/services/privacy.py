"""Masking personal data in what users typed, before it is shown or stored as training data.

``mask(text)`` replaces e-mail addresses, phone numbers and BSN-like numbers (nine digits
that pass the elfproef, with or without dots, spaces or dashes) by a placeholder in square
brackets. ``for_training(text)`` is the masked text as a training example: the brackets go
(Rasa reads ``[...]`` as an entity annotation), the placeholder word stays.

It cannot find names or addresses in free text; therefore the inbox never takes the answers
people type inside a form (name, e-mail, ...): see ``bot.services.inbox``.
"""

from __future__ import annotations

import re
import unicodedata

EMAIL = "[e-mailadres]"
PHONE = "[telefoonnummer]"
BSN = "[BSN]"
IBAN = "[rekeningnummer]"

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{4}(?:\s?\d){10}\b", re.IGNORECASE)
# Dutch numbers (06-12345678, 010 123 45 67, +31 (0)6 1234 5678, 0031...), other
# international numbers, and nine digits (with separators) that may be a BSN.
_SEP = r"[ .\-/]?"
_PHONE_RE = re.compile(
    rf"(?<![\w+])(?:(?:\+|00)31{_SEP}(?:\(0\){_SEP})?\d(?:{_SEP}\d){{8}}"
    rf"|\+\d{{1,3}}(?:{_SEP}\d){{6,12}}|0\d(?:{_SEP}\d){{8}})(?!\d)"
)
_NINE_RE = re.compile(rf"(?<!\w)\d(?:{_SEP}\d){{8}}(?!\d)")


def elfproef(digits: str) -> bool:
    """True for nine digits whose weighted sum (9..2, and -1 for the last) is a multiple of 11."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def _bsn(match: re.Match[str]) -> str:
    return BSN if elfproef(re.sub(r"\D", "", match.group(0))) else match.group(0)


def mask(text: str | None) -> str:
    """The text with e-mail addresses, IBANs, phone numbers and BSN-like numbers replaced."""
    if not text:
        return ""
    out = _EMAIL_RE.sub(EMAIL, str(text))
    out = _IBAN_RE.sub(IBAN, out)
    out = _PHONE_RE.sub(PHONE, out)
    return _NINE_RE.sub(_bsn, out)


def for_training(text: str | None) -> str:
    """A masked, single-line training example without Rasa's annotation characters."""
    value = mask(text)
    value = re.sub(r"\[([^\]]*)\]", r"\1", value)
    value = re.sub(r"[\[\]{}()]", " ", value)
    return re.sub(r"\s+", " ", value).strip()


def normalise(text: str | None) -> str:
    """For comparing sentences: lower case, no accents, no punctuation, single spaces."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[^\w\s]|_", " ", plain)
    return re.sub(r"\s+", " ", plain).strip()[:500]
