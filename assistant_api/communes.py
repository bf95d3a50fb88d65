"""Where the asker lives, and which office is the human entry point there.

Built from the commune table ``corpora/communes.yaml`` (communes, localities people name,
the regional social counter of each) when present, else from the service areas of the
institution records. Matching is accent- and case-insensitive on whole words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant_api.safety import fold
from ingest import Institution

__all__ = ["CommuneDirectory"]

#: Institution ids that are regional social counters start with this (corpus convention).
SOCIAL_COUNTER_PREFIX = "gsr-"


@dataclass
class CommuneDirectory:
    """Commune names, their aliases, and the social counter serving each."""

    communes: dict[str, str] = field(default_factory=dict)  # folded alias → commune
    counters: dict[str, list[str]] = field(default_factory=dict)  # commune → counter ids
    all_counters: list[str] = field(default_factory=list)
    _pattern: re.Pattern[str] | None = None

    @classmethod
    def build(
        cls,
        institutions: Sequence[Institution],
        *,
        aliases: Iterable[tuple[str, str]] = (),
        counters: dict[str, str] | None = None,
    ) -> CommuneDirectory:
        """From records (service areas), extra ``(alias, commune)`` pairs and a counter map."""
        directory = cls()
        counter_ids = sorted(i.id for i in institutions if i.id.startswith(SOCIAL_COUNTER_PREFIX))
        directory.all_counters = counter_ids
        for institution in institutions:
            for name in institution.service_area:
                if name != "canton":
                    directory.communes.setdefault(fold(name), name)
            if institution.id in counter_ids:
                for name in institution.service_area:
                    directory.counters.setdefault(name, []).append(institution.id)
        for alias, commune in aliases:
            directory.communes[fold(alias)] = commune
        for commune, counter in (counters or {}).items():
            directory.counters[commune] = [counter]
        names = sorted(directory.communes, key=len, reverse=True)
        if names:
            alternatives = "|".join(re.escape(n).replace(r"\-", "[- ]").replace(r"\ ", "[- ]") for n in names)
            directory._pattern = re.compile(rf"(?<!\w)({alternatives})(?!\w)")
        return directory

    def resolve(self, name: str) -> str | None:
        """The canonical commune for a commune or locality name, or None."""
        folded = fold(name).strip().replace("-", " ")
        for alias, commune in self.communes.items():
            if alias.replace("-", " ") == folded:
                return commune
        return None

    def find_in_text(self, text: str) -> str | None:
        """The first commune or locality named in ``text``, or None."""
        if self._pattern is None:
            return None
        match = self._pattern.search(fold(text))
        return self.resolve(match.group(1)) if match else None

    def entry_points(self, commune: str | None) -> list[str]:
        """The social counter(s) of ``commune``; every counter when it is unknown."""
        if commune and commune in self.counters:
            return list(self.counters[commune])
        return list(self.all_counters)
