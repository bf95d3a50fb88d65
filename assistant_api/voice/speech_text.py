"""Numbers for the ear: Swiss phone numbers group by group, French number words.

A synthesiser reading "+41 32 889 66 00" says "plus forty-one … eight hundred eighty-nine
million …" or digit by digit. People in Switzerland say a phone number in its national form,
group by group: "032 889 66 00" is "zéro trente-deux, huit cent quatre-vingt-neuf,
soixante-six, zéro zéro". French (the canton's language, and the one where espeak's own
reading of "70"/"90" is French-from-France) gets its words written out here, with the Swiss
"septante"/"nonante"; in the other languages the groups are written as digits with each
leading zero apart, which espeak reads in each language's own words, and commas between groups
make the pauses. The spoken answer itself is written for the ear from the answer's fields
(``spoken_answer.py``), not from its markdown.
"""

from __future__ import annotations

import re

__all__ = ["french_number", "speak_phone"]

_SEPARATORS = re.compile(r"[ \u00a0./-]+")

_FR_UNITS = (
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "dix-sept",
    "dix-huit",
    "dix-neuf",
)
# Swiss French: septante and nonante; Neuchâtel says quatre-vingts (huitante is Vaud/Valais).
_FR_TENS = {
    2: "vingt",
    3: "trente",
    4: "quarante",
    5: "cinquante",
    6: "soixante",
    7: "septante",
    8: "quatre-vingt",
    9: "nonante",
}


def french_number(value: int) -> str:
    """French (Swiss) words for 0 ≤ ``value`` ≤ 999."""
    if not 0 <= value <= 999:
        raise ValueError(f"french_number covers 0 to 999, got {value}")
    if value < 20:
        return _FR_UNITS[value]
    if value < 100:
        tens, unit = divmod(value, 10)
        word = _FR_TENS[tens]
        if unit == 0:
            return "quatre-vingts" if tens == 8 else word
        if unit == 1 and tens != 8:
            return f"{word} et un"
        return f"{word}-{_FR_UNITS[unit]}"
    hundreds, rest = divmod(value, 100)
    head = "cent" if hundreds == 1 else f"{_FR_UNITS[hundreds]} cent"
    if rest == 0:
        return head if hundreds == 1 else head + "s"
    return f"{head} {french_number(rest)}"


def _national_groups(number: str) -> list[str]:
    """Digit groups of a Swiss number in national form (``+41 32 …`` → ``032 …``)."""
    groups = [g for g in _SEPARATORS.split(number.strip()) if g]
    first = groups[0]
    if first in {"+41", "0041"}:
        groups = groups[1:]
        groups[0] = "0" + groups[0].replace("(0)", "")
    elif first.startswith(("+41", "0041")):
        groups[0] = "0" + first.removeprefix("+41").removeprefix("0041")
    return [g.replace("(0)", "") for g in groups if g.replace("(0)", "")]


def _speak_group(group: str, language: str) -> str:
    if len(group.lstrip("0")) > 3:
        # An unformatted run of digits: read it digit by digit rather than as a big number.
        return " ".join(_speak_group(d, language) for d in group)
    stripped = group.lstrip("0")
    zeros = len(group) - len(stripped)
    if language == "fr":
        words = ["zéro"] * zeros
        if stripped:
            words.append(french_number(int(stripped)))
        return " ".join(words)
    return " ".join(["0"] * zeros + ([stripped] if stripped else []))


def speak_phone(number: str, language: str) -> str:
    """A phone number as a listener in Switzerland expects to hear it, group by group."""
    return ", ".join(_speak_group(g, language) for g in _national_groups(number))
