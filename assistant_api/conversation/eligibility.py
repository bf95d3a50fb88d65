"""Age and residence permit: when they decide the door, and what a person says about them.

Some doors take only part of the public: the early autism consultation only preschool children,
the youth helpline 147 children and young people, the migration service's support people in the
asylum process. When the doors an answer shows differ on that, the answer asks one question (the
person's age, or their permit) and the reply puts the doors that fit first. Records say whom
they take in French (``eligibility``); the rules that read it, and the phrasings people use in
13 languages, are in ``prompts/conversation.yaml`` (``eligibility``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assistant_api.conversation.lexicon import EligibilityLexicon
from ingest import Institution
from permanence import fold

__all__ = ["AgeRange", "EligibilityReader", "PermitStatus", "preference"]

PermitStatus = Literal["asylum", "settled"]

#: Permit letters by what they mean for the door: F (provisionally admitted) and N (asylum
#: seeker) are supported through the asylum system; B, C, L and G are not.
_PERMIT_STATUS: dict[str, PermitStatus] = {
    "f": "asylum",
    "n": "asylum",
    "b": "settled",
    "c": "settled",
    "l": "settled",
    "g": "settled",
}
#: How far into an eligibility text a public word still names the public ("Personnes en âge de
#: la retraite": 23 characters) rather than one item of a list ("…qui veulent arrêter, jeunes";
#: Caritas's "Personnes en situation de précarité, personnes réfugiées…" is not for refugees only).
_HEAD_CHARS = 32
#: Characters allowed between a permit word and its letter ("permis B", "Ausweis-F", "مجوز F").
_GAP = r"[\s:\-–'\"«»()]{1,3}"


@dataclass(frozen=True, slots=True)
class AgeRange:
    """The ages a door takes, inclusive."""

    low: int
    high: int

    def __contains__(self, age: object) -> bool:
        return isinstance(age, int) and self.low <= age <= self.high


def _ascii_digits(text: str) -> str:
    """Arabic-Indic, Persian and other decimal digits as 0–9 ("٣" → "3")."""
    return "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text
    )


class EligibilityReader:
    """Reads the age range and permit scope of records, and what a question says of both."""

    def __init__(self, lexicon: EligibilityLexicon) -> None:
        self._lexicon = lexicon
        words = "|".join(p.pattern for p in lexicon.permit_words)
        self._permit = (
            re.compile(
                rf"(?:{words}){_GAP}(?:[a-z]+{_GAP})?(?P<letter>[bcfnlg])\b"
                rf"|\b(?P<before>[bcfnlg]){_GAP}(?:{words})"
            )
            if words
            else None
        )

    def age_range(self, record: Institution) -> AgeRange | None:
        """The ages ``record`` takes, or None when it takes every age."""
        text = fold(record.eligibility or "")
        if any(p.search(text) for p in self._lexicon.broad):
            return None
        for bound in self._lexicon.age_bounds:
            match = bound.pattern.search(text)
            if match is None or (bound.head_only and match.start() > _HEAD_CHARS):
                continue
            groups = match.groupdict()
            low = int(groups["min"]) if groups.get("min") else bound.min
            high = int(groups["max"]) if groups.get("max") else bound.max
            return AgeRange(low, high)
        if record.roles is not None and record.roles.serves == ["young"]:
            return AgeRange(0, 25)
        return None

    def for_asylum(self, record: Institution) -> bool:
        """Whether ``record`` serves people in the asylum process (F, N permits, refugees)."""
        text = fold(record.eligibility or "")
        return any(
            (m := p.search(text)) is not None and m.start() <= _HEAD_CHARS
            for p in self._lexicon.asylum_record
        )

    def open_to_residents(self, record: Institution) -> bool:
        """Whether an asylum-system door also serves other foreign residents."""
        text = fold(record.eligibility or "")
        return any(p.search(text) for p in self._lexicon.foreign_residents)

    def stated_age(self, text: str) -> int | None:
        """The age a question gives ("j'ai 14 ans", "عمره ٣ سنوات"), or None."""
        folded = _ascii_digits(fold(text))
        for pattern in self._lexicon.stated_age:
            match = pattern.search(folded)
            if match is not None and 0 <= int(match.group("age")) <= 120:
                return int(match.group("age"))
        for word in self._lexicon.age_words:
            if word.pattern.search(folded):
                return word.age
        return None

    def stated_permit(self, text: str) -> PermitStatus | None:
        """The permit a question names ("permis F", "I'm an asylum seeker"), or None."""
        folded = fold(text)
        if self._permit is not None:
            match = self._permit.search(folded)
            if match is not None:
                letter = match.group("letter") or match.group("before")
                return _PERMIT_STATUS[letter]
        if any(p.search(folded) for p in self._lexicon.asylum_words):
            return "asylum"
        return None

    def age_decides(self, records: Sequence[Institution]) -> bool:
        """Whether the doors shown differ on the ages they take, so that asking the age can
        change which one comes first: at least one of the first two is bounded, and another
        door takes a different range."""
        ranges = [self.age_range(r) for r in records]
        if len(ranges) < 2 or all(r is None for r in ranges[:2]):
            return False
        return len(set(ranges)) > 1

    def permit_decides(self, records: Sequence[Institution]) -> bool:
        """Whether the doors shown mix asylum-system support with general support."""
        scopes = [self.for_asylum(r) for r in records]
        return len(scopes) >= 2 and any(scopes) and not all(scopes)


def preference(
    reader: EligibilityReader,
    record: Institution,
    *,
    age: int | None,
    permit: PermitStatus | None,
) -> int:
    """Where ``record`` goes for a person of this age and permit: 0 a door made for them
    (asylum-system support for an F or N permit), 1 a door that takes them, 2 a door that
    does not (outside its ages, or asylum-only for a settled permit). Unknown facts fit."""
    if age is not None:
        bounds = reader.age_range(record)
        if bounds is not None and age not in bounds:
            return 2
    if permit is not None and reader.for_asylum(record):
        if permit == "asylum":
            return 0
        if not reader.open_to_residents(record):
            return 2
    return 1
