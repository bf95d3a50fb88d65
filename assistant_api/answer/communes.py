"""Where the asker lives, and which regional office serves them there.

The commune table (``corpora/communes.yaml``, read by :mod:`ingest.corpus`) knows every
commune, the villages and former communes people name, and the regional social counter, ORP
and child-protection office of each. Retrieval finds *what kind* of office helps; this module
swaps a regional office for the one that serves the asker's commune ("route to the right door").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from ingest.corpus import OFFICE_FIELDS, CommuneResolver, CommuneTable, normalize_place

__all__ = ["RESIDENCE_CUE", "CommuneDirectory"]

#: Words that say the asker (or the person asked about) lives at the place named right after
#: them, up to two words later ("habite au Landeron", "wohne in Neuenburg", "I live in
#: Couvet"), on text folded as place names are (lower case, no accents or punctuation). A
#: question that names a workplace and a home ("travaille à Neuchâtel mais habite au
#: Landeron") is about the home's offices: the social counter and the ORP go by domicile.
RESIDENCE_CUE = re.compile(
    r"(?:^|\s)(?:habite|habites|habitons|habitent|vis|vit|vivons|vivent|domicilie|domiciliee"
    r"|wohne|wohnt|wohnen|lebe|lebt|leben|live|lives|living|abito|abita|abitiamo|vivo|vive"
    r"|viviamo|vivemos|vivimos|moro|mora|moramos|resido|reside|residimos|jetoj|jeton|yasiyorum"
    r"|oturuyorum)(?:\s+\S+){0,2}\s+$"
)
#: How far before a place name a residence cue is looked for, in folded characters.
_CUE_WINDOW = 40


class CommuneDirectory:
    """Resolves communes and maps regional offices between communes."""

    def __init__(self, table: CommuneTable, *, known_ids: Iterable[str] | None = None) -> None:
        self._table = table
        self._resolver = CommuneResolver(table)
        known = set(known_ids) if known_ids is not None else None
        # office kind → set of ids of that kind (e.g. every social counter)
        self._offices: dict[str, set[str]] = {kind: set() for kind in OFFICE_FIELDS}
        for commune in table.communes:
            for kind, office in commune.offices().items():
                if office and (known is None or office in known):
                    self._offices[kind].add(office)

    def resolve(self, name: str) -> str | None:
        """The canonical commune for a commune or locality name given on its own."""
        commune = self._table.get(name) or self._resolver.resolve(name)
        return commune.name if commune else None

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Communes and localities spelled close to ``name``, best first, for "did you mean".

        A locality is shown with its commune ("Cernier (Val-de-Ruz)"), the name people type
        and the one the answer uses.
        """
        shown: dict[str, str] = {}
        for commune in self._table.communes:
            for place in commune.place_names():
                label = (
                    place.name if place.name == commune.name else f"{place.name} ({commune.name})"
                )
                shown.setdefault(_key(place.name), label)
        close = difflib.get_close_matches(_key(name), list(shown), n=limit, cutoff=0.75)
        return [shown[key] for key in close]

    def find_in_text(self, text: str) -> str | None:
        """The commune the asker lives in, as named in ``text``, or None.

        That is the first commune or locality named right after a residence cue
        (:data:`RESIDENCE_CUE`), else the first one named at all.
        """
        matches = self._resolver.find(text)
        if not matches:
            return None
        folded = normalize_place(text)
        home = next(
            (
                m
                for m in matches
                if RESIDENCE_CUE.search(folded[max(0, m.start - _CUE_WINDOW) : m.start])
            ),
            matches[0],
        )
        return home.commune.name

    def entry_points(self, commune: str | None) -> list[str]:
        """The social counter of ``commune``; every counter when unknown or not attached."""
        record = self._table.get(commune) if commune else None
        if record is not None and record.social_counter in self._offices["social_counter"]:
            return [record.social_counter]
        return sorted(self._offices["social_counter"])

    def is_regional_office(self, institution_id: str) -> bool:
        """Whether ``institution_id`` is one of several offices of a kind, each serving its
        region (a social counter, an ORP): then the asker's commune decides which one."""
        return any(institution_id in ids and len(ids) > 1 for ids in self._offices.values())

    def office_for(self, institution_id: str, commune: str | None) -> str | None:
        """The office of the same kind as ``institution_id`` that serves ``commune``.

        ``None`` when the institution is not a regional office, the commune is unknown, or the
        commune has no office of that kind on record (then the original stays).
        """
        record = self._table.get(commune) if commune else None
        if record is None:
            return None
        for kind, ids in self._offices.items():
            if institution_id in ids:
                target = getattr(record, kind)
                return target if target in ids else None
        return None


def _key(name: str) -> str:
    """``name`` compared without case, accents, punctuation or extra spaces."""
    return " ".join(normalize_place(name).split())
