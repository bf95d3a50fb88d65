"""Who is asking, and for whom: the roles a question names (victim, perpetrator, parent…).

A person hurt by their partner must never be sent to the service for perpetrators, and a man
who wants to stop hitting his wife must not be sent to victim support as if he were the
victim. The records say whom each service is not for (``Institution.roles.not_for``); this
module says which roles a question is asked in, so that
:mod:`assistant_api.answer.roles` can drop the services aimed at the opposite role.

Recognition is a keyword lexicon (``prompts/roles.yaml``, read by the shared loader), matched on
the question folded like the safety lexicon: it is auditable by the network's professionals,
and the two roles that hide services (victim, perpetrator) must be precise rather than
clever. A question that names both is ambiguous ("we hit each other") and keeps neither, so
nothing is hidden. When the lexicon finds neither side, the prototype classifier of
:mod:`assistant_api.triage.role_sides` (given as ``sides``) may read one from the question's
meaning, and gives none when unsure. An unrecognised question has no role, and nothing is
hidden for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, field_validator

from assistant_api.triage.language import SUPPORTED_LANGUAGES
from assistant_api.triage.role_sides import RoleSideClassifier
from index.embedders import Matrix
from ingest import Role
from permanence import fold
from permanence.lexicon import FoldedPattern, LexiconModel, load_lexicon
from permanence.settings import PROJECT_ROOT

__all__ = [
    "CLASSIFIER_EVIDENCE",
    "DEFAULT_ROLES_PATH",
    "OPPOSED",
    "QuestionRoles",
    "RoleRecognizer",
]

#: The lexicon the assistant reads when it is given none (the bundled file).
DEFAULT_ROLES_PATH = PROJECT_ROOT / "prompts" / "roles.yaml"

#: Evidence of a side read by the classifier: this prefix, then its nearest prototype.
CLASSIFIER_EVIDENCE = "~"
#: Roles that cannot both hold for one asker: a question naming both is ambiguous and keeps
#: neither (both readings would hide a service the other needs).
OPPOSED: tuple[tuple[Role, Role], ...] = (("victim", "perpetrator"),)


_Pattern = FoldedPattern


def _known_languages(value: dict[str, object]) -> dict[str, object]:
    unknown = sorted(set(value) - set(SUPPORTED_LANGUAGES))
    if unknown:
        raise ValueError(
            f"unknown languages {unknown}; use the codes {', '.join(SUPPORTED_LANGUAGES)}"
        )
    return value


class _RoleRule(LexiconModel):
    """One role: its patterns by language, and text removed before they are tried."""

    patterns: dict[str, tuple[_Pattern, ...]] = Field(min_length=1)
    unless: tuple[_Pattern, ...] = ()

    _languages = field_validator("patterns")(_known_languages)

    def match(self, folded: str) -> str | None:
        """The text of the first pattern found, or ``None``."""
        for exception in self.unless:
            folded = exception.sub(" ", folded)
        for patterns in self.patterns.values():
            for pattern in patterns:
                found = pattern.search(folded)
                if found is not None:
                    return found.group(0)
        return None


class _RolesFile(LexiconModel):
    #: Languages whose patterns no native speaker has checked yet.
    unchecked: tuple[str, ...] = ()
    roles: dict[Role, _RoleRule] = Field(min_length=1)

    @field_validator("unchecked")
    @classmethod
    def _check_unchecked(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _known_languages(dict.fromkeys(value))
        return value


@dataclass(frozen=True, slots=True)
class QuestionRoles:
    """The roles of one question, and the words that showed each (for logs and tests).

    ``ambiguous`` holds the opposed roles that both matched and were therefore dropped.
    """

    roles: frozenset[Role] = frozenset()
    evidence: tuple[tuple[Role, str], ...] = ()
    ambiguous: frozenset[Role] = frozenset()

    def __contains__(self, role: object) -> bool:
        return role in self.roles

    @property
    def known(self) -> bool:
        """Whether any role was recognised."""
        return bool(self.roles)


class RoleRecognizer:
    """Loaded from a YAML lexicon; ``recognise(question)`` is pure and cheap."""

    def __init__(
        self, path: Path = DEFAULT_ROLES_PATH, *, sides: RoleSideClassifier | None = None
    ) -> None:
        data = load_lexicon(path, _RolesFile)
        self._rules = data.roles
        self._unchecked = data.unchecked
        self._sides = sides

    @property
    def sides(self) -> RoleSideClassifier | None:
        """The classifier that reads a side the lexicon missed (``None``: the lexicon alone)."""
        return self._sides

    def warm_up(self) -> None:
        if self._sides is not None:
            self._sides.warm_up()

    @property
    def roles(self) -> tuple[Role, ...]:
        """The roles the lexicon recognises, in file order."""
        return tuple(self._rules)

    @property
    def unchecked_languages(self) -> tuple[str, ...]:
        """Languages whose phrasings no native speaker has checked."""
        return self._unchecked

    def languages(self, role: Role) -> tuple[str, ...]:
        """The languages with patterns for ``role``."""
        rule = self._rules.get(role)
        if rule is None:
            raise ValueError(f"no role {role!r} in the lexicon; use one of {self.roles}")
        return tuple(rule.patterns)

    def recognise(
        self,
        question: str,
        vectors: Mapping[str, Matrix] | None = None,
        *,
        read_side: bool = True,
    ) -> QuestionRoles:
        """Every role whose patterns the question matches, opposed pairs removed; then, when
        neither side matched and ``read_side``, the side the classifier reads (``vectors``: the
        question's query vectors by model name, when already computed)."""
        folded = fold(question)
        evidence: list[tuple[Role, str]] = []
        for role, rule in self._rules.items():
            found = rule.match(folded)
            if found is not None:
                evidence.append((role, found))
        found_roles = {role for role, _ in evidence}
        ambiguous: set[Role] = set()
        for one, other in OPPOSED:
            if one in found_roles and other in found_roles:
                ambiguous |= {one, other}
        sides = {r for pair in OPPOSED for r in pair}
        if read_side and self._sides is not None and not found_roles & sides:
            reading = self._sides.side(question, vectors)
            if reading.role is not None:
                evidence.append((reading.role, CLASSIFIER_EVIDENCE + reading.nearest))
                found_roles.add(reading.role)
        return QuestionRoles(
            roles=frozenset(found_roles - ambiguous),
            evidence=tuple(evidence),
            ambiguous=frozenset(ambiguous),
        )
