"""Correct a voice transcript's place names and need words before retrieval.

Whisper base writes what it almost heard: "Fleurié" for Fleurier, "Couvé" for Couvet, "dète"
for "dette". Retrieval then misses the commune's office or the need's French words. Each run of
one to five transcript words is compared with the terms of the caller's language
(:mod:`~assistant_api.voice.normalise.vocabulary`) by spelling *and* by sound
(:mod:`~assistant_api.voice.normalise.phonetic`), with rapidfuzz's normalised Indel
similarity; a run close enough on both is replaced by the term.

The threshold is conservative on purpose: a typed question must come out unchanged (measured
on the dev questions, ``eval/bench/recognition.py --false-corrections``), because a wrong
"correction" of a right word loses what the caller said. A word the glossary already reads as
a need is never replaced, and nothing under :data:`~.vocabulary.MIN_NEED_CHARS` letters is.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from assistant_api.voice.normalise.phonetic import PhoneticKeys
from assistant_api.voice.normalise.vocabulary import (
    MIN_NEED_CHARS,
    MIN_PLACE_CHARS,
    Term,
    Vocabulary,
    tokens,
)
from index import Glossary
from permanence import fold

__all__ = ["MIN_SCORE", "Correction", "TranscriptMatch", "TranscriptMatcher"]

#: Mean of the spelling and sound similarities (0–1) a run needs to be replaced.
MIN_SCORE = 0.84
#: Neither similarity may be below this: close in sound but far in spelling is another word
#: as often as a mishearing, and the other way round.
MIN_EACH = 0.75
#: A multi-word name may come back in one word more or less ("Chaux de Fonds").
_SPAN_SLACK = 1


@dataclass(frozen=True, slots=True)
class Correction:
    """One replaced run of the transcript."""

    heard: str
    term: str
    kind: str  # "place" or "need"
    meaning: str  # the commune, or the glossary concept
    score: float


@dataclass(frozen=True, slots=True)
class TranscriptMatch:
    """The transcript after matching, what changed, and what was recognised in it."""

    original: str
    text: str
    language: str | None
    corrections: tuple[Correction, ...] = ()
    #: Terms found in the corrected text (exact or corrected), in order: the read-back says them.
    found: tuple[Term, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def confidence(self) -> float:
        """The normaliser's own confidence: 1 when nothing was guessed, else the weakest
        correction's score."""
        return min((c.score for c in self.corrections), default=1.0)


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float
    start: int  # first word
    end: int  # after the last word
    term: Term


class TranscriptMatcher:
    """Matches transcripts against per-language vocabularies (built once, used per call)."""

    def __init__(
        self,
        vocabularies: dict[str, Vocabulary],
        *,
        glossary: Glossary,
        keys: PhoneticKeys,
        min_score: float = MIN_SCORE,
    ) -> None:
        self._vocabularies = vocabularies
        self._by_size = {lang: v.by_size() for lang, v in vocabularies.items()}
        self._exact = {lang: {t.folded: t for t in v.terms} for lang, v in vocabularies.items()}
        self._glossary = glossary
        self._keys = keys
        self.min_score = min_score

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._vocabularies)

    def normalise(self, text: str, language: str | None) -> TranscriptMatch:
        """``text`` with its misheard places and needs replaced (unchanged when the language
        has no vocabulary: the caller's language is the only one matched)."""
        sizes = self._by_size.get(language or "")
        if language is None or sizes is None:
            return TranscriptMatch(original=text, text=text, language=language)
        words = tokens(text)
        folded = [fold(w.group()) for w in words]
        keys = self._keys.keys([w.group() for w in words], language)
        exact = self._exact[language]
        picked = self._pick(self._candidates(folded, keys, sizes, exact))
        corrected, corrections = text, []
        for cand in sorted(picked, key=lambda c: c.start, reverse=True):
            first, last = words[cand.start], words[cand.end - 1]
            heard = text[first.start() : last.end()]
            corrected = corrected[: first.start()] + cand.term.text + corrected[last.end() :]
            corrections.append(
                Correction(
                    heard=heard,
                    term=cand.term.text,
                    kind=cand.term.kind,
                    meaning=cand.term.meaning,
                    score=round(cand.score, 3),
                )
            )
        return TranscriptMatch(
            original=text,
            text=corrected,
            language=language,
            corrections=tuple(reversed(corrections)),
            found=self._found(corrected, exact),
        )

    def _candidates(
        self,
        folded: list[str],
        keys: list[str],
        sizes: dict[int, list[Term]],
        exact: dict[str, Term],
    ) -> list[_Candidate]:
        protected = self._protected(folded, exact)
        spellings = {
            size: [t.folded.replace(" ", "") for t in terms] for size, terms in sizes.items()
        }
        out: list[_Candidate] = []
        longest = max(sizes) + _SPAN_SLACK
        for start in range(len(folded)):
            for end in range(start + 1, min(start + longest, len(folded)) + 1):
                if protected[start:end].count(True):
                    break  # a right name or need word is never part of a correction
                heard = " ".join(folded[start:end])
                joined = heard.replace(" ", "")
                if len(joined) < MIN_PLACE_CHARS:
                    continue
                span = end - start
                for size in range(max(1, span - _SPAN_SLACK), span + _SPAN_SLACK + 1):
                    terms = sizes.get(size)
                    if not terms or (size == 1 and span > 1):
                        continue  # two words heard are not one word misheard ("me traite")
                    close = process.extract(
                        joined,
                        spellings[size],
                        scorer=fuzz.ratio,
                        score_cutoff=MIN_EACH * 100,
                        limit=None,
                    )
                    for _, spelling, index in close:
                        term = terms[index]
                        if not _may_replace(folded[start:end], joined, term):
                            continue
                        score = (spelling / 100 + _sound(keys[start:end], term)) / 2
                        if score >= self.min_score and self._not_a_need(heard):
                            out.append(_Candidate(score, start, end, term))
        return out

    def _not_a_need(self, heard: str) -> bool:
        return not self._glossary.concepts(heard)

    def _protected(self, folded: list[str], exact: dict[str, Term]) -> list[bool]:
        """Per word: whether it belongs to a term said exactly or names a need already."""
        protected = [bool(self._glossary.concepts(word)) for word in folded]
        longest = max((t.words for t in exact.values()), default=1)
        for start in range(len(folded)):
            for end in range(start + 1, min(start + longest, len(folded)) + 1):
                if " ".join(folded[start:end]) in exact:
                    protected[start:end] = [True] * (end - start)
        return protected

    @staticmethod
    def _pick(candidates: list[_Candidate]) -> list[_Candidate]:
        """Best first, longer runs before shorter at equal score; no two overlap."""
        taken: set[int] = set()
        picked: list[_Candidate] = []
        for cand in sorted(candidates, key=lambda c: (-c.score, c.start - c.end, c.start)):
            span = set(range(cand.start, cand.end))
            if span & taken:
                continue
            taken |= span
            picked.append(cand)
        return picked

    @staticmethod
    def _found(text: str, exact: dict[str, Term]) -> tuple[Term, ...]:
        folded = [fold(w.group()) for w in tokens(text)]
        longest = max((t.words for t in exact.values()), default=1)
        found: list[Term] = []
        start = 0
        while start < len(folded):
            for end in range(min(start + longest, len(folded)), start, -1):
                term = exact.get(" ".join(folded[start:end]))
                if term is not None:
                    if term not in found:
                        found.append(term)
                    start = end
                    break
            else:
                start += 1
        return tuple(found)


def _may_replace(words: list[str], joined: str, term: Term) -> bool:
    """Whether the heard ``words`` may stand for a mishearing of ``term``.

    Not when they hold two words of the name in a row or a long one, said right ("aux Ponts de
    Martel", "Chaux-de-Fonds"); not for a need when one contains the other: that is another
    form of the word ("dormi", "dormir") or another word ("pression", "dépression").
    """
    names = term.folded.split()
    if any(f" {' '.join(words[i : i + 2])} " in f" {term.folded} " for i in range(len(words) - 1)):
        return False
    if any(len(w) >= 5 and w in names for w in words):
        return False
    if term.kind == "need":
        plain = term.folded.replace(" ", "")
        return len(joined) >= MIN_NEED_CHARS and joined not in plain and plain not in joined
    return True


def _sound(keys: list[str], term: Term) -> float:
    """Similarity of pronunciation, 0 under :data:`MIN_EACH`."""
    said = fuzz.ratio("".join(keys), term.key) / 100
    return said if said >= MIN_EACH else 0.0
