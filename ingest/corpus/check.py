"""Validate the curated corpus, the commune table and the gold sets together.

Curators run ``permanence corpus check`` before committing. Each rule below yields findings
(error or warning, file, message); nothing is raised for a bad record, because the point is to
list everything that needs fixing in one pass.

Errors:
  * a record does not load (YAML, schema, phone/e-mail format, id differs from the file name);
  * two records share an id;
  * a filled fact field has no provenance entry citing at least one http(s) source;
  * a ``service_area`` entry is neither ``canton`` nor a commune of the table (regions and
    villages are refused with the communes to write instead); same for ``locations[].commune``;
  * the commune table points at an office id that has no record, or names an ``ope_site``
    that is not a location of the child-protection office record;
  * a gold question is malformed or names an unknown institution, category or commune, or
    names an institution both acceptable and harmful;
  * a conversation of ``conversations.jsonl`` is malformed (schema, 2–4 turns, follow-up rules,
    duplicate id) or names an unknown institution or commune.

Warnings:
  * a commune has no office id for some of ``social_counter``, ``orp``, ``ope``;
  * the office a commune points at does not list the commune (or ``canton``) in its
    ``service_area``;
  * provenance for an empty field; a source that is not an http(s) URL;
  * the description shares an 8-word run with the record's notes or services text (a sign it
    was pasted rather than written);
  * the description has line breaks inside sentences (a YAML ``>-`` block indented unevenly);
  * ``last_verified`` lies in the future.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from ingest.corpus.communes import (
    REGIONS,
    CommuneResolver,
    CommuneTable,
    default_communes_path,
    load_communes,
)
from ingest.corpus.conversations import read_conversations
from ingest.corpus.gold import CONVERSATIONS_FILE, read_gold_dir
from ingest.corpus.loader import iter_record_files, read_institution
from ingest.corpus.vocabulary import VocabularyError, default_vocabulary_path, load_vocabulary
from ingest.errors import CorpusError
from ingest.records import CATEGORIES, Institution

__all__ = [
    "CANTON",
    "COPY_RUN_WORDS",
    "Finding",
    "Severity",
    "check_corpus",
    "check_institution",
    "shared_word_run",
]

logger = logging.getLogger(__name__)

Severity = Literal["error", "warning"]

#: The service_area value meaning "the whole canton".
CANTON = "canton"

#: Length of a word run shared by description and notes that flags a pasted description.
#: Eight words is longer than the stock phrases records share ("personnes domiciliées dans le
#: canton de Neuchâtel" is seven) and short enough to catch a pasted sentence.
COPY_RUN_WORDS = 8

_WORD = re.compile(r"\w+", re.UNICODE)
_FOLD_ARTEFACT = re.compile(r"\n +\S")
#: What a phone number, e-mail or link looks like: none belongs in a situation.
_FACT_LIKE = re.compile(r"https?://|www\.|\S@\S|\+41|\b0\d{2} ?\d{3}|\b\d{3} \d{2} \d{2}\b")


@dataclass(frozen=True)
class Finding:
    """One thing to fix (error) or to look at (warning) in one file."""

    severity: Severity
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity.upper():7} {self.file}: {self.message}"


def shared_word_run(first: str, second: str, *, words: int = COPY_RUN_WORDS) -> str | None:
    """The first run of ``words`` consecutive words found in both texts (case-insensitive)."""
    a = [w.lower() for w in _WORD.findall(first)]
    b = [w.lower() for w in _WORD.findall(second)]
    if len(a) < words or len(b) < words:
        return None
    grams = {tuple(b[i : i + words]) for i in range(len(b) - words + 1)}
    for i in range(len(a) - words + 1):
        gram = tuple(a[i : i + words])
        if gram in grams:
            return " ".join(gram)
    return None


def _place_problem(value: str, table: CommuneTable, resolver: CommuneResolver) -> str | None:
    """Why ``value`` is not a commune name of the table, or ``None`` when it is one."""
    if value in table.names():
        return None
    exact = table.get(value)
    if exact is not None:
        return f"{value!r} is spelled {exact.name!r} in the commune table"
    if value in REGIONS:
        names = ", ".join(c.name for c in table.by_region(value))
        return f"{value!r} is a region, not a commune; list its communes instead: {names}"
    commune = resolver.resolve(value)
    if commune is not None:
        return f"{value!r} is not a commune; it lies in the commune of {commune.name!r}"
    return f"{value!r} is not a commune of the commune table"


def check_institution(
    institution: Institution,
    file: str,
    *,
    table: CommuneTable | None,
    resolver: CommuneResolver | None,
    today: date | None = None,
) -> list[Finding]:
    """The findings for one loaded record (the rules that need no other record)."""
    findings: list[Finding] = []

    def error(message: str) -> None:
        findings.append(Finding("error", file, message))

    def warning(message: str) -> None:
        findings.append(Finding("warning", file, message))

    filled = institution.filled_fact_fields()
    for field in filled:
        urls = institution.provenance.get(field, [])
        if not any(u.startswith(("https://", "http://")) for u in urls):
            error(
                f"field {field!r} has a value but no provenance entry with an http(s) source; "
                f"add provenance.{field} with the URL(s) where it was seen"
            )
    for field in sorted(set(institution.provenance) - set(filled)):
        warning(f"provenance.{field} cites sources but {field!r} is empty")
    for url in institution.sources:
        if not url.startswith(("https://", "http://")):
            warning(f"source {url!r} is not an http(s) URL; give the page address or drop it")

    if table is not None and resolver is not None:
        for area in institution.service_area:
            if area == CANTON:
                continue
            problem = _place_problem(area, table, resolver)
            if problem:
                error(f"service_area: {problem} (or 'canton')")
        for index, location in enumerate(institution.locations):
            problem = _place_problem(location.commune, table, resolver)
            if problem:
                error(f"locations[{index}].commune: {problem}")

    other = " ".join(
        t
        for t in (
            institution.notes,
            institution.eligibility,
            institution.application,
            institution.fees,
            *institution.services,
        )
        if t
    )
    run = shared_word_run(institution.description, other)
    if run:
        warning(
            f"description shares the {COPY_RUN_WORDS}-word run '{run}' with the notes or "
            "services; write the description in your own words"
        )
    for situation in institution.situations:
        if _FACT_LIKE.search(situation):
            error(
                f"situation {situation!r} holds a number, address or link; situations describe "
                "needs in the asker's words and add no fact (put facts in their own field)"
            )
    if _FOLD_ARTEFACT.search(institution.description):
        warning(
            "description has line breaks inside sentences (lines of a '>-' block indented "
            "deeper than the first); indent the block evenly"
        )
    today = today or date.today()
    if institution.last_verified > today:
        warning(f"last_verified {institution.last_verified} lies in the future")
    return findings


def check_corpus(
    corpus_dir: Path,
    *,
    communes_path: Path | None = None,
    gold_dir: Path | None = None,
    today: date | None = None,
) -> list[Finding]:
    """Every finding for the corpus directory, the commune table and the gold sets.

    Args:
        corpus_dir: directory of ``<id>.yaml`` records.
        communes_path: the commune table; defaults to ``corpora/communes.yaml``.
        gold_dir: directory of ``*.jsonl`` gold sets; skipped when ``None`` or missing.
        today: the date against which ``last_verified`` is checked (tests pin it).

    Raises:
        CorpusError: the corpus directory does not exist (nothing can be checked).
    """
    communes_path = communes_path or default_communes_path()
    findings: list[Finding] = []
    table: CommuneTable | None
    resolver: CommuneResolver | None
    try:
        table = load_communes(communes_path)
        resolver = CommuneResolver(table)
    except CorpusError as exc:
        findings.append(Finding("error", str(communes_path), str(exc)))
        table, resolver = None, None

    files_by_id: dict[str, list[str]] = {}
    records: dict[str, Institution] = {}
    for path in iter_record_files(corpus_dir):
        file = str(path)
        institution, problems = read_institution(path)
        for problem in problems:
            where = f"field {problem.field!r}: " if problem.field else ""
            findings.append(Finding("error", file, where + problem.message))
        if institution is None:
            continue
        files_by_id.setdefault(institution.id, []).append(file)
        records.setdefault(institution.id, institution)
        findings.extend(
            check_institution(institution, file, table=table, resolver=resolver, today=today)
        )
    for inst_id, files in files_by_id.items():
        if len(files) > 1:
            for file in files:
                findings.append(
                    Finding("error", file, f"id {inst_id!r} is used by {len(files)} files")
                )

    findings.extend(_check_service_terms(records, files_by_id))
    ids = set(files_by_id)
    if table is not None:
        table_file = str(communes_path)
        for commune in table.communes:
            missing = [f for f, value in commune.offices().items() if value is None]
            for field, value in commune.offices().items():
                if value is None:
                    continue
                office = records.get(value)
                if office is None:
                    findings.append(
                        Finding(
                            "error",
                            table_file,
                            f"{commune.name}: {field} {value!r} has no record "
                            f"{value}.yaml in {corpus_dir}",
                        )
                    )
                elif commune.name not in office.service_area and CANTON not in office.service_area:
                    findings.append(
                        Finding(
                            "warning",
                            table_file,
                            f"{commune.name}: {field} {value!r} does not list {commune.name!r} "
                            "in its service_area",
                        )
                    )
            ope = records.get(commune.ope) if commune.ope else None
            if commune.ope_site is not None and ope is not None:
                sites = [loc.name for loc in ope.locations]
                if commune.ope_site not in sites:
                    findings.append(
                        Finding(
                            "error",
                            table_file,
                            f"{commune.name}: ope_site {commune.ope_site!r} is not a location "
                            f"of {commune.ope!r}; its locations are {sites}",
                        )
                    )
            if missing:
                findings.append(
                    Finding(
                        "warning",
                        table_file,
                        f"{commune.name}: no office id for {', '.join(missing)}",
                    )
                )

    if gold_dir is not None:
        findings.extend(_check_gold(gold_dir, ids, table))
    logger.info(
        "checked %d records: %d errors, %d warnings",
        len(ids),
        sum(f.severity == "error" for f in findings),
        sum(f.severity == "warning" for f in findings),
    )
    return findings


def _check_service_terms(
    records: dict[str, Institution], files_by_id: dict[str, list[str]]
) -> list[Finding]:
    """Every ``service_terms`` id must be a term of the vocabulary (a bad vocabulary is one)."""
    path = default_vocabulary_path()
    try:
        known = load_vocabulary(path).ids()
    except VocabularyError as exc:
        return [Finding("error", str(path), str(exc))]
    findings: list[Finding] = []
    for inst_id, record in records.items():
        unknown = [t for t in record.service_terms if t not in known]
        if unknown:
            file = files_by_id[inst_id][0]
            findings.append(Finding("error", file, f"service_terms {unknown} are not in {path}"))
    return findings


def _check_gold(gold_dir: Path, ids: set[str], table: CommuneTable | None) -> list[Finding]:
    findings: list[Finding] = []
    sets, problems = read_gold_dir(gold_dir)
    for problem in problems:
        findings.append(Finding("error", f"{problem.path}:{problem.line}", problem.message))
    for gold_set in sets:
        file = str(gold_set.path)
        counts = Counter(q.id for q in gold_set.questions)
        for qid, count in sorted(counts.items()):
            if count > 1:
                findings.append(
                    Finding("error", file, f"question id {qid!r} appears {count} times")
                )
        for q in gold_set.questions:
            unknown = [a for a in q.acceptable if a not in ids]
            if unknown:
                findings.append(
                    Finding("error", file, f"{q.id}: acceptable ids {unknown} have no record")
                )
            stray = [h for h in q.harmful if h not in ids]
            if stray:
                findings.append(
                    Finding("error", file, f"{q.id}: harmful ids {stray} have no record")
                )
            both = sorted(set(q.harmful) & set(q.acceptable))
            if both:
                findings.append(
                    Finding("error", file, f"{q.id}: {both} are both acceptable and harmful")
                )
            if q.category is not None and q.category not in CATEGORIES:
                findings.append(Finding("error", file, f"{q.id}: unknown category {q.category!r}"))
            if q.commune is not None and table is not None and q.commune not in table.names():
                findings.append(
                    Finding("error", file, f"{q.id}: commune {q.commune!r} is not in the table")
                )
    conversations = gold_dir / CONVERSATIONS_FILE
    if conversations.is_file():
        _, found = read_conversations(
            conversations,
            institution_ids=ids,
            commune_names=table.names() if table is not None else None,
        )
        for problem in found:
            findings.append(Finding("error", f"{problem.path}:{problem.line}", problem.message))
    return findings
