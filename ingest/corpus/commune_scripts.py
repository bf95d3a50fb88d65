"""Commune names written in Cyrillic, Arabic/Persian and Ge'ez script.

People who write to Permanence in Russian, Ukrainian, Arabic, Persian or Tigrinya often write the
place in their own script ("Я живу в Ле-Локле", "در نوشاتل", "ኣብ ኒውሻተል"), which the Latin
resolver of :mod:`ingest.corpus.communes` cannot see. This module finds such names in two ways:

* **Exact forms from the table** (``other_scripts`` in ``corpora/communes.yaml``), compared after
  folding (:func:`fold_script`): case, Arabic short vowels, tatweel and the zero-width non-joiner
  are ignored, Arabic and Persian letter variants are merged (ي/ی, ك/ک, ة/ه, أ/إ/آ/ا), and the parts
  of a name may be written with a space, a hyphen or nothing between them ("لا شو دو فون" =
  "لاشودوفون"). Languages that decline place names are matched on the stem: Russian and
  Ukrainian case endings ("в Невшателе", "у Невшателі", "из Ле-Локля"), the Arabic/Persian
  prefixes و ب ل ف ک ("بنوشاتل") and the Tigrinya prefixes ብ ን ኣብ ናብ ካብ.
* **A tolerant match for spellings the table lacks**: runs of non-Latin words are transliterated
  to Latin with ``unidecode`` and compared with rapidfuzz to the transliterated table forms and
  to the Latin names. The bar is deliberately high (:data:`FUZZY_THRESHOLD`, at least
  :data:`FUZZY_MIN_LENGTH` letters) so that ordinary words are never read as communes: a missed
  commune costs a generic answer, a wrong one sends someone to the wrong office.

Names flagged ``capitalized`` (Marin, Colombier …, ordinary words too) match in a script with
case (Cyrillic) only when capitalized, and never by the tolerant match in a caseless script.
Names flagged ``place_only`` (Neuchâtel, which also names the canton) need a word that places a
person in a town just before them (в, у, город, місто, في, إلى, مدينة, در, به, شهر, ኣብ, ናብ,
ከተማ, or the prefix ب/ብ), or must be the whole text.

The module knows nothing of communes: the resolver hands it :class:`ScriptEntry` rows and maps
the keys of the :class:`ScriptHit` results back to its communes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator
from rapidfuzz import fuzz, process
from unidecode import unidecode

__all__ = [
    "FUZZY_MIN_LENGTH",
    "FUZZY_THRESHOLD",
    "SCRIPT_LANGUAGES",
    "OtherScripts",
    "ScriptEntry",
    "ScriptHit",
    "ScriptLanguage",
    "ScriptMatcher",
    "fold_script",
    "script_form_problem",
]

ScriptLanguage = Literal["ru", "uk", "ar", "fa", "ti"]

#: Languages whose speakers may write a commune in a non-Latin script.
SCRIPT_LANGUAGES: tuple[ScriptLanguage, ...] = ("ru", "uk", "ar", "fa", "ti")

#: Least rapidfuzz ratio (0–100) for the tolerant match. At this bar it adds no commune to any
#: question of corpora/gold/ (dev, test, conversations) nor to the UI strings of the five
#: languages, and still reads "Домбрессоне", "Коффране" or "فال دي ترافير".
FUZZY_THRESHOLD = 88.0

#: Least number of transliterated letters on both sides of a tolerant match.
FUZZY_MIN_LENGTH = 6

_MAX_WINDOW = 4

_FOLD = str.maketrans(
    {
        "ё": "е",
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "አ": "ኣ",
    }
)
_DROPPED = frozenset({"\u200c", "\u200d", "\u0640", "'", "’", "ʼ"})

_CYRILLIC_VOWELS = frozenset("аеиоуыэюяіїє")
_PREFIXES: dict[str, str] = {
    "cyrillic": "",
    "arabic": "(?:و|ف)?(?:ب|ل|ک)?",
    "ethiopic": "(?:ካብ|ኣብ|ናብ|ብ|ን)?",
}
_SUFFIXES: dict[str, str] = {"arabic": "(?:ی)?", "ethiopic": "(?:ውን|ን)?"}
_PLACE_PREFIXES = frozenset({"ب", "ኣብ", "ናብ", "ብ"})
_ARTICLES = frozenset({"ла", "ле", "لا", "لو", "ላ", "ለ"})
_CYRILLIC_ENDING = re.compile(r"(?:ові|еві|ом|ем|ою|ой|а|я|у|ю|е|і|и|ы)$")


def _script(char: str) -> str | None:
    """The script family of a letter, or ``None`` for Latin, digits and others."""
    if not char.isalpha() or ord(char) < 0x250:
        return None
    name = unicodedata.name(char, "")
    for family, marker in (
        ("cyrillic", "CYRILLIC"),
        ("arabic", "ARABIC"),
        ("ethiopic", "ETHIOPIC"),
    ):
        if name.startswith(marker):
            return family
    return "other"


def fold_script(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for comparison, with the offset in ``text`` of every folded character.

    Marks (accents, Arabic short vowels) and joiners are dropped, so the folded text can be
    shorter than the original; the offsets map a match back to the words the person wrote.
    Anything that is not a letter or digit becomes a space.
    """
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if char in _DROPPED or unicodedata.category(char) in {"Mn", "Me", "Cf"}:
            continue
        base = unicodedata.normalize("NFD", char)[0].lower().translate(_FOLD)[:1] or " "
        chars.append(base if base.isalnum() else " ")
        offsets.append(index)
    return "".join(chars), offsets


#: Words after which a ``place_only`` name is a town (folded like the text they are sought in).
_PLACE_WORDS = frozenset(
    fold_script(word)[0]
    for word in (
        *("в", "во", "у", "г", "город", "городе", "місто", "місті"),  # ru, uk
        *("في", "إلى", "مدينة", "در", "به", "شهر"),  # ar, fa
        *("ኣብ", "ናብ", "ከተማ"),  # ti
    )
)


def script_form_problem(form: str) -> str | None:
    """Why ``form`` cannot be a name in another script, or ``None`` when it can.

    A form must be written in one non-Latin script (Cyrillic, Arabic or Ge'ez): a Latin name
    belongs in ``name``/``localities``, and a mixed form is a typing mistake.
    """
    families = {_script(c) for c in form if c.isalpha()}
    if not families:
        return "has no letters"
    if None in families:
        return "contains Latin letters (Latin names go in name, aliases or localities)"
    if len(families) > 1 or "other" in families:
        return "mixes scripts or uses a script other than Cyrillic, Arabic or Ge'ez"
    return None


def _check_forms(value: dict[ScriptLanguage, list[str]]) -> dict[ScriptLanguage, list[str]]:
    """Reject a Latin or mixed form when the table is read, not when a question misses it."""
    bad = [
        f"{form!r} {why}"
        for forms in value.values()
        for form in forms
        if (why := script_form_problem(form))
    ]
    if bad:
        raise ValueError("; ".join(bad))
    return value


#: Names of a place in other scripts, by language (``ru: [Невшатель]``).
OtherScripts = Annotated[dict[ScriptLanguage, list[str]], AfterValidator(_check_forms)]


def _translit_key(text: str) -> str:
    """Letters of the Latin transliteration of ``text``, lower-case, without spaces."""
    return "".join(c for c in unidecode(text).lower() if c.isalnum())


_FRENCH_SOUNDS = (
    (re.compile(r"eau|au"), "o"),
    (re.compile(r"ch"), "sh"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"qu|ck|c"), "k"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"iers?$"), "ie"),
    (re.compile(r"(?<=.{3})(?:e?[sxtdz]+|e)$"), ""),
)


def _french_sound_key(name: str) -> str:
    """A rough key of how a French place name sounds, for words transliterated from scripts
    written by ear: "Coffrane" → "koffran", "La Chaux-de-Fonds" → "lashodefon".

    Per-word rules only (silent final letters, ch, c/qu, au/eau, ou); not a phonetizer, it just
    brings the French spelling closer to what ``unidecode`` makes of a Cyrillic spelling.
    """
    words = []
    for word in _translit_key_words(name):
        for pattern, sound in _FRENCH_SOUNDS:
            word = pattern.sub(sound, word)
        words.append(word)
    return "".join(words)


def _translit_key_words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in unidecode(text).lower()).split()


@dataclass(frozen=True)
class ScriptEntry:
    """A place as the matcher sees it: the resolver's key, its Latin name and its forms."""

    key: int
    name: str
    forms: tuple[str, ...]
    capitalized: bool = False
    place_only: bool = False


@dataclass(frozen=True)
class ScriptHit:
    """A place found in the text: entry key, Latin name, offsets in the original text."""

    key: int
    name: str
    start: int
    end: int
    exact: bool


@dataclass(frozen=True)
class _Form:
    entry: ScriptEntry
    regex: re.Pattern[str]


def _form_regex(folded: str, family: str) -> str:
    tokens = folded.split()
    last = tokens[-1]
    ending = ""
    if family == "cyrillic":
        if last.endswith("ь"):
            last, ending = last[:-1], "(?:ь|я|ю|е|ем|і|и)"
        elif last.endswith("а"):
            last, ending = last[:-1], "(?:а|ы|и|і|е|у|ой|ою)"
        elif last[-1] not in _CYRILLIC_VOWELS:
            ending = "(?:а|у|е|ом|і|ові|ы|и)?"
    parts = [re.escape(t) for t in [*tokens[:-1], last]]
    body = " *".join(parts) + ending + _SUFFIXES.get(family, "")
    return rf"(?<!\w)(?P<pre>{_PREFIXES.get(family, '')})(?P<body>{body})(?!\w)"


class ScriptMatcher:
    """Finds table places written in a non-Latin script; see the module docstring."""

    def __init__(self, entries: Iterable[ScriptEntry]) -> None:
        self._forms: list[_Form] = []
        self._targets: list[str] = []
        self._target_entries: list[ScriptEntry] = []
        for entry in entries:
            self._add_target(_translit_key(entry.name), entry)
            self._add_target(_french_sound_key(entry.name), entry)
            for form in entry.forms:
                folded = " ".join(fold_script(form)[0].split())
                family = _script(next(c for c in folded if c.isalpha())) or "other"
                variants = [folded]
                tokens = folded.split()
                if len(tokens) > 1 and tokens[0] in _ARTICLES and len("".join(tokens[1:])) >= 4:
                    variants.append(" ".join(tokens[1:]))
                for variant in variants:
                    regex = re.compile(_form_regex(variant, family))
                    self._forms.append(_Form(entry, regex))
                    self._add_target(_translit_key(variant), entry)

    def _add_target(self, key: str, entry: ScriptEntry) -> None:
        if len(key) >= FUZZY_MIN_LENGTH:
            self._targets.append(key)
            self._target_entries.append(entry)

    def find(self, text: str) -> list[ScriptHit]:
        """Places named in a non-Latin script in ``text``, in text order, without overlaps."""
        if not any(_script(c) for c in text):
            return []
        folded, offsets = fold_script(text)
        whole = " ".join(folded.split())
        hits: list[tuple[int, int, ScriptEntry, bool]] = []
        for form in self._forms:
            entry = form.entry
            for m in form.regex.finditer(folded):
                start, end = m.span("body")
                if entry.capitalized and not text[offsets[start]].isupper():
                    continue
                if entry.place_only and not _is_place(folded, m, whole):
                    continue
                hits.append((start, end, entry, True))
        hits.extend(self._fuzzy(text, folded, offsets, whole, hits))
        hits.sort(key=lambda h: (h[0], not h[3], -(h[1] - h[0])))
        kept: list[ScriptHit] = []
        taken: list[tuple[int, int]] = []
        for start, end, entry, exact in hits:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            kept.append(
                ScriptHit(entry.key, entry.name, offsets[start], offsets[end - 1] + 1, exact)
            )
        return kept

    def _fuzzy(
        self,
        text: str,
        folded: str,
        offsets: list[int],
        whole: str,
        exact: list[tuple[int, int, ScriptEntry, bool]],
    ) -> list[tuple[int, int, ScriptEntry, bool]]:
        words = [m for m in re.finditer(r"\w+", folded) if _script(m.group()[0])]
        found: list[tuple[float, int, int, ScriptEntry]] = []
        for i in range(len(words)):
            for n in range(1, _MAX_WINDOW + 1):
                window = words[i : i + n]
                if len(window) < n or _script(window[0].group()[0]) != _script(
                    window[-1].group()[0]
                ):
                    break
                if not _joined(text, offsets, window[-2:]):
                    break
                start, end = window[0].start(), window[-1].end()
                if any(start < e and s < end for s, e, _, _ in exact):
                    continue
                best = self._best(folded[start:end])
                if best is None:
                    continue
                score, entry = best
                if entry.capitalized and not text[offsets[start]].isupper():
                    continue
                if entry.place_only and not _is_place_at(folded, start, end, whole, ""):
                    continue
                found.append((score, start, end, entry))
        found.sort(key=lambda f: (-f[0], -(f[2] - f[1])))
        chosen: list[tuple[int, int, ScriptEntry, bool]] = []
        for _score, start, end, entry in found:
            if not any(start < e and s < end for s, e, _, _ in chosen):
                chosen.append((start, end, entry, False))
        return chosen

    def _best(self, phrase: str) -> tuple[float, ScriptEntry] | None:
        """The entry whose target is closest to ``phrase``; ``None`` if below the bar or tied."""
        queries = {_translit_key(phrase)}
        if _script(phrase[0]) == "cyrillic":
            queries.add(_translit_key(_CYRILLIC_ENDING.sub("", phrase)))
        best: tuple[float, ScriptEntry] | None = None
        tied = False
        for query in queries:
            if len(query) < FUZZY_MIN_LENGTH:
                continue
            for _target, score, index in process.extract(
                query, self._targets, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=5
            ):
                entry = self._target_entries[index]
                if best is None or score > best[0]:
                    best, tied = (score, entry), False
                elif score == best[0] and entry.key != best[1].key:
                    tied = True
        return None if tied else best


def _joined(text: str, offsets: list[int], pair: list[re.Match[str]]) -> bool:
    """Whether two neighbouring words are parts of one name: only spaces or hyphens between."""
    if len(pair) < 2:
        return True
    between = text[offsets[pair[0].end() - 1] + 1 : offsets[pair[1].start()]]
    return not between.strip(" \t-‐‑")


def _is_place(folded: str, m: re.Match[str], whole: str) -> bool:
    return _is_place_at(folded, m.start("body"), m.end("body"), whole, m.group("pre"))


def _is_place_at(folded: str, start: int, end: int, whole: str, prefix: str) -> bool:
    """Whether the name at ``start:end`` is placed as a town (see the module docstring)."""
    if prefix and (prefix in _PLACE_PREFIXES or prefix[-1:] == "ب"):
        return True
    if whole == " ".join(folded[start - len(prefix) : end].split()):
        return True
    before = folded[: start - len(prefix)].split()
    return bool(before) and before[-1] in _PLACE_WORDS
