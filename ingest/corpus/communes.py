"""The commune table (``corpora/communes.yaml``) and a resolver for communes named in free text.

People name villages, not communes: "j'habite à Cernier" means the commune of Val-de-Ruz, and
"Peseux" has been part of Neuchâtel since 2021. The table maps every commune of the canton to
its region, the localities people name, and the ids of the offices that serve it (regional
social counter, ORP, child-protection office), so that the assistant can route by commune.

Resolver rules (:class:`CommuneResolver`):

* Text is compared accent-, case- and punctuation-insensitively: "la chaux de fonds",
  "La Chaux-de-Fonds" and "LA CHAUX-DE-FONDS" are the same; "St-Blaise" equals "Saint-Blaise".
* A name that starts with an article (La, Le, Les) also matches without it: "chaux-de-fonds",
  "locle", "brenets".
* Names that are also ordinary words (``capitalized: true`` in the table: Travers, Buttes,
  Fontaines, Marin, Colombier …, and the article-less forms in :data:`COMMON_WORD_FORMS`) match
  only when written with a capital letter, so "à travers le canton" names no commune.
* "Neuchâtel" (and "Neuenburg") names the canton as often as the city (``place_only: true``).
  It is taken as the city only when the whole text is that name, or when it follows a word
  that places a person in a town — "à"/"a" (fr, it), "in" (en, de), "en" (es), "em" (pt),
  "në" (sq), "habite", "ville de", "commune de", "city of", "town of", "Stadt" — or a postal
  code 2000–2099, and is not followed by "canton"/"Kanton". "canton de Neuchâtel",
  "Université de Neuchâtel" or a bare "Neuchâtel" inside a sentence resolve to nothing.
  Unambiguous forms ("Neuchâtel-Ville", "ville de Neuchâtel") always match.
* A postal code of the table counts when it follows "NPA", "code postal", "CP", "PLZ", "zip"
  or "postal code" ("NPA 2114"), never alone: "en 2000" is a year.
* Names in other scripts (``other_scripts`` of a commune or locality: Cyrillic, Arabic/Persian,
  Ge'ez, e.g. "в Ле-Локле", "در نوشاتل", "ኣብ ኒውሻተል") and close spellings of them are found by
  :mod:`ingest.corpus.commune_scripts`; the languages listed in the table's ``unchecked`` have
  not been checked by a native speaker.
* Overlapping matches keep the longest ("Val-de-Travers" wins over "Travers"); when several
  communes are named, :meth:`CommuneResolver.resolve` returns the first one in the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ingest.corpus.commune_scripts import (
    OtherScripts,
    ScriptEntry,
    ScriptLanguage,
    ScriptMatcher,
    fold_script,
)
from ingest.errors import CorpusError
from permanence.settings import PROJECT_ROOT

__all__ = [
    "COMMON_WORD_FORMS",
    "OFFICE_FIELDS",
    "REGIONS",
    "Commune",
    "CommuneMatch",
    "CommuneResolver",
    "CommuneTable",
    "OtherScripts",
    "PlaceName",
    "TableSource",
    "default_communes_path",
    "load_communes",
    "normalize_place",
    "resolve_commune",
]

Region = Literal["Littoral", "Montagnes", "Val-de-Ruz", "Val-de-Travers"]

#: The four statistical regions that replaced the districts in 2018.
REGIONS: tuple[str, ...] = ("Littoral", "Montagnes", "Val-de-Ruz", "Val-de-Travers")

#: Commune fields that hold the id of an institution record of ``corpora/neuchatel/``.
OFFICE_FIELDS: tuple[str, ...] = ("social_counter", "orp", "ope")

#: Article-less forms that are ordinary French words; they match only when capitalized.
COMMON_WORD_FORMS: frozenset[str] = frozenset({"coudre", "verrieres", "planchettes"})

_ARTICLES = frozenset({"la", "le", "les", "l"})
_POSTAL_CODE = re.compile(r"^\d{4}$")
_PLACE_BEFORE = re.compile(
    r"(?:^|\s)(?:a|in|en|em|ne|habite|en ville de|ville de|commune de|city of|town of|stadt"
    r"|20\d\d)\s+$"
)
_CANTON_AFTER = re.compile(r"^\s+(?:canton|kanton)(?![a-z0-9])")
_POSTAL_BEFORE = re.compile(r"(?:^|\s)(?:npa|code postal|cp|plz|zip|postal code)\s+$")


def normalize_place(text: str) -> str:
    """Lower-case, strip accents and turn punctuation into spaces, one character for one.

    Keeping the length lets a match in the normalized text point back into the original, where
    capitalization is checked.
    """
    out: list[str] = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0].lower()[:1] or " "
        out.append(base if base.isalnum() else " ")
    return "".join(out)


class PlaceName(BaseModel):
    """A name that designates a commune: the commune itself, an alias or a locality."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=2)
    postal_codes: list[str] = Field(default_factory=list)
    former_commune: bool = False
    capitalized: bool = False
    place_only: bool = False
    other_scripts: OtherScripts = Field(default_factory=dict)

    @field_validator("postal_codes")
    @classmethod
    def _check_postal_codes(cls, value: list[str]) -> list[str]:
        bad = [code for code in value if not _POSTAL_CODE.match(code)]
        if bad:
            raise ValueError(f"postal codes {bad} must be four digits, e.g. '2000'")
        return value


class Commune(BaseModel):
    """One commune of the canton with its region, localities and serving offices."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=2)
    region: Region
    aliases: list[PlaceName] = Field(default_factory=list)
    localities: list[PlaceName] = Field(default_factory=list)
    social_counter: str | None = None
    orp: str | None = None
    ope: str | None = None
    ope_site: str | None = None
    other_scripts: OtherScripts = Field(default_factory=dict)
    sources: list[str] = Field(min_length=1)
    notes: str | None = None

    @field_validator("sources")
    @classmethod
    def _check_sources(cls, value: list[str]) -> list[str]:
        bad = [url for url in value if not url.startswith(("https://", "http://"))]
        if bad:
            raise ValueError(f"sources {bad} must be absolute http(s) URLs")
        return value

    def offices(self) -> dict[str, str | None]:
        """The office ids by field name (``social_counter``, ``orp``, ``ope``)."""
        return {field: getattr(self, field) for field in OFFICE_FIELDS}

    def place_names(self) -> list[PlaceName]:
        """Every name that designates this commune; the commune's own name comes first.

        When the commune's name is also listed as a locality or alias (to carry a postal code
        or a flag), that entry is used instead of a plain one.
        """
        listed = [*self.localities, *self.aliases]
        own = next(
            (p for p in listed if normalize_place(p.name) == normalize_place(self.name)),
            PlaceName(name=self.name),
        )
        return [own, *(p for p in listed if p is not own)]

    def script_forms(self) -> list[tuple[PlaceName, list[str]]]:
        """Each place name with its forms in other scripts, all languages together.

        The commune's own ``other_scripts`` belong to its own name (the first place).
        """
        places = self.place_names()
        rows = [(p, [f for forms in p.other_scripts.values() for f in forms]) for p in places]
        rows[0][1].extend(f for forms in self.other_scripts.values() for f in forms)
        return rows

    def postal_codes(self) -> list[str]:
        """All postal codes given for the commune's localities, in table order."""
        codes: list[str] = []
        for place in self.place_names():
            codes.extend(c for c in place.postal_codes if c not in codes)
        return codes


class TableSource(BaseModel):
    """A source for the table as a whole."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    about: str

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"url {value!r} must be an absolute http(s) URL")
        return value


class CommuneTable(BaseModel):
    """The whole table: the date it describes, its sources and the communes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_of: date
    sources: list[TableSource] = Field(min_length=1)
    #: Languages of ``other_scripts`` that no native speaker has checked yet.
    unchecked: list[ScriptLanguage] = Field(default_factory=list)
    communes: list[Commune] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_unique(self) -> CommuneTable:
        seen: dict[str, str] = {}
        for commune in self.communes:
            for place, forms in commune.script_forms():
                keys = [(place.name, " ".join(normalize_place(place.name).split()))]
                keys += [(form, " ".join(fold_script(form)[0].split())) for form in forms]
                for name, key in keys:
                    owner = seen.setdefault(key, commune.name)
                    if owner != commune.name:
                        raise ValueError(
                            f"name {name!r} is given for both {owner!r} and {commune.name!r}; "
                            "a name must designate one commune"
                        )
        return self

    def names(self) -> list[str]:
        """The commune names, in table order."""
        return [c.name for c in self.communes]

    def get(self, name: str) -> Commune | None:
        """The commune with exactly this name (accents and case ignored), or ``None``."""
        key = " ".join(normalize_place(name).split())
        for commune in self.communes:
            if " ".join(normalize_place(commune.name).split()) == key:
                return commune
        return None

    def by_region(self, region: str) -> list[Commune]:
        """The communes of one region, in table order."""
        return [c for c in self.communes if c.region == region]


@dataclass(frozen=True)
class CommuneMatch:
    """A commune named in a text: which name matched and where (offsets in the original).

    For a name written in another script, ``name`` is the Latin name it stands for ("Невшателе"
    gives "Neuchâtel") and the offsets cover the word as written.
    """

    commune: Commune
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class _Pattern:
    commune: Commune
    name: str
    regex: re.Pattern[str]
    capitalized: bool
    place_only: bool


def _token_regex(tokens: list[str]) -> str:
    parts = []
    for token in tokens:
        if token == "saint":
            parts.append("(?:saint|st)")
        elif token == "sainte":
            parts.append("(?:sainte|ste)")
        else:
            parts.append(re.escape(token))
    return r"(?<![a-z0-9])" + r"\s+".join(parts) + r"(?![a-z0-9])"


class CommuneResolver:
    """Finds the communes named in free text; see the module docstring for the rules."""

    def __init__(self, table: CommuneTable) -> None:
        self._table = table
        self._patterns: list[_Pattern] = []
        self._postal: dict[str, Commune] = {}
        for commune in table.communes:
            for place in commune.place_names():
                tokens = normalize_place(place.name).split()
                variants = [(tokens, place.capitalized)]
                if len(tokens) > 1 and tokens[0] in _ARTICLES:
                    bare = tokens[1:]
                    common = " ".join(bare) in COMMON_WORD_FORMS
                    variants.append((bare, place.capitalized or common))
                for variant, capitalized in variants:
                    self._patterns.append(
                        _Pattern(
                            commune=commune,
                            name=place.name,
                            regex=re.compile(_token_regex(variant)),
                            capitalized=capitalized,
                            place_only=place.place_only,
                        )
                    )
                for code in place.postal_codes:
                    self._postal.setdefault(code, commune)
        self._postal_regex = re.compile(
            r"(?<![0-9])(" + "|".join(sorted(self._postal)) + r")(?![0-9])"
        )
        self._script_owners: list[Commune] = []
        entries: list[ScriptEntry] = []
        for commune in table.communes:
            for place, forms in commune.script_forms():
                entries.append(
                    ScriptEntry(
                        key=len(self._script_owners),
                        name=place.name,
                        forms=tuple(forms),
                        capitalized=place.capitalized,
                        place_only=place.place_only,
                    )
                )
                self._script_owners.append(commune)
        self._scripts = ScriptMatcher(entries)

    @property
    def table(self) -> CommuneTable:
        return self._table

    def find(self, text: str) -> list[CommuneMatch]:
        """All communes named in ``text``, in text order, longest name first on overlaps."""
        norm = normalize_place(text)
        whole = " ".join(norm.split())
        candidates: list[CommuneMatch] = []
        for pattern in self._patterns:
            for m in pattern.regex.finditer(norm):
                start, end = m.span()
                if pattern.capitalized and not text[start].isupper():
                    continue
                if pattern.place_only and not self._is_place(norm, start, end, whole):
                    continue
                candidates.append(CommuneMatch(pattern.commune, pattern.name, start, end))
        if self._postal:
            for m in self._postal_regex.finditer(norm):
                if _POSTAL_BEFORE.search(norm[: m.start()]):
                    code = m.group(1)
                    candidates.append(CommuneMatch(self._postal[code], code, m.start(), m.end()))
        for hit in self._scripts.find(text):
            owner = self._script_owners[hit.key]
            candidates.append(CommuneMatch(owner, hit.name, hit.start, hit.end))
        candidates.sort(key=lambda c: (c.start, -(c.end - c.start)))
        kept: list[CommuneMatch] = []
        for cand in candidates:
            if any(cand.start < k.end and k.start < cand.end for k in kept):
                continue
            kept.append(cand)
        return kept

    def resolve(self, text: str) -> Commune | None:
        """The first commune named in ``text``, or ``None`` when none is named."""
        matches = self.find(text)
        return matches[0].commune if matches else None

    @staticmethod
    def _is_place(norm: str, start: int, end: int, whole: str) -> bool:
        if whole == " ".join(norm[start:end].split()):
            return True
        if _CANTON_AFTER.match(norm[end:]):
            return False
        return bool(_PLACE_BEFORE.search(norm[:start]))


def default_communes_path() -> Path:
    """Where the bundled commune table lives."""
    return PROJECT_ROOT / "corpora" / "communes.yaml"


def load_communes(path: Path | None = None) -> CommuneTable:
    """Read and validate the commune table.

    Raises:
        CorpusError: the file is missing, not YAML, or a field is invalid (the message names
            the file and the field).
    """
    path = path or default_communes_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CorpusError(f"{path}: commune table not found; create it or pass --communes") from exc
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise CorpusError(f"{path}: expected a mapping with as_of, sources and communes")
    try:
        return CommuneTable.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = list(error["loc"])
            if len(loc) >= 2 and loc[0] == "communes" and isinstance(loc[1], int):
                communes = raw.get("communes") or []
                entry = communes[loc[1]] if loc[1] < len(communes) else None
                if isinstance(entry, dict) and "name" in entry:
                    loc[1] = f"[{entry['name']}]"
            field = ".".join(str(p) for p in loc) or "(table)"
            problems.append(f"field {field!r}: {error['msg']}")
        raise CorpusError(f"{path}: " + "; ".join(problems)) from exc


@lru_cache(maxsize=4)
def _resolver_for(path: Path) -> CommuneResolver:
    return CommuneResolver(load_communes(path))


def resolve_commune(text: str, table: CommuneTable | None = None) -> Commune | None:
    """The commune named in ``text`` (see the module rules), or ``None``.

    Args:
        text: free text such as "j'habite à Cernier" or a commune field of a request.
        table: the table to use; by default the bundled ``corpora/communes.yaml`` (read once).
    """
    resolver = (
        CommuneResolver(table) if table is not None else _resolver_for(default_communes_path())
    )
    return resolver.resolve(text)
