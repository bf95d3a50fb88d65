"""Give the contact facts of every record the date their source shows, or none (issue 19).

Why a script and not a reviewer: the 185 records were written before facts had an age, and
every one carries the same ``last_verified`` (the day the file was written). What *is* known
is the date of some source pages, and the year some notes give to a value ("horaire de
2019"). This script writes ``assured[field]`` for ``phones``, ``emails``, ``locations``,
``hours`` and ``website`` from that, and leaves the field undated ("unknown") otherwise. It
never uses today's date nor ``last_verified``.

Rules, per filled field:

1. The date of each page ``provenance[field]`` cites: written in its URL (``/20190912-``,
   ``/2018/06/26/``, ``aza://14-09-2022-``, ``link=04.09.2023_``, ``-27-avril-2018``), or
   the ``seen_date`` that ``../shared/data/ne-contacts-2026-12.jsonl`` gives for that URL.
2. One value (hours, website, one phone…): every cited page showed it, so the newest dated
   page is when it was last seen. Several values: the field is as old as its oldest value,
   which only its pages' dates bound, so the oldest date, and only when every page is dated.
3. A year the value itself carries ("(2018)", "relevée en 2020") or that :data:`NOTE_YEARS`
   reads in the notes caps the date: a page date of that year (or older) is kept, else the
   1st of January of that year. A year or a month alone becomes its first day: the fact is
   shown older, never younger, than it is.

The date goes with ``assured_by: "migration …"`` (saying which rule) and the page used as
``source``. Entries a reviewer wrote (``permanence facts accept``) are never touched; the
script's own entries are recomputed at every run, so it can be run again after a record
changes. Each file is re-read just before it is written and only its ``assured`` lines
change (``ingest.facts.record_edit``).

    python scripts/migrate_assured.py [--dry-run] [--corpus corpora/neuchatel]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from ingest import Institution
from ingest.facts.record_edit import replace_top_level_keys, write_atomically

ROOT = Path(__file__).resolve().parents[1]
CONTACTS = ROOT.parent / "shared" / "data" / "ne-contacts-2026-12.jsonl"
FIELDS = ("phones", "emails", "locations", "hours", "website")
MIGRATION = "migration"

#: Years the notes give to a field's value, with the words that say so (checked against the
#: notes at every run: an entry whose words are gone is not applied). Read by hand from the
#: notes of the 185 records, December 2026.
NOTE_YEARS: dict[tuple[str, str], tuple[int, str]] = {
    ("asloca-neuchatel", "phones"): (2015, "Numéro des bureaux cité en 2015"),
    ("cora-fleurier", "hours"): (2019, "Horaires des permanences relevés en 2019"),
    ("cosm-cohesion-multiculturelle", "locations"): (2019, "Adresse du siège relevée en 2019"),
    ("eper-espace-parents", "hours"): (2015, "Horaires de 2015"),
    ("foyer-de-jour-la-fontanette", "hours"): (2019, "Horaire de 2019"),
    ("gsr-neuchatel", "hours"): (2024, "horaire relevé fin 2024"),
    ("hotline-couples-arc-jurassien", "phones"): (2014, "Numéro et horaires de 2014"),
    ("hotline-couples-arc-jurassien", "hours"): (2014, "Numéro et horaires de 2014"),
    ("ligue-neuchateloise-contre-le-cancer", "phones"): (2016, "rapport d'activité 2016"),
    ("ligue-neuchateloise-contre-le-cancer", "emails"): (2016, "rapport d'activité 2016"),
    ("ligue-neuchateloise-contre-le-cancer", "locations"): (2016, "rapport d'activité 2016"),
    ("ligue-neuchateloise-contre-le-cancer", "hours"): (2016, "rapport d'activité 2016"),
    ("police-neuchateloise", "phones"): (2022, "relevés en février 2022"),
    ("police-neuchateloise", "emails"): (2022, "relevés en février 2022"),
    ("police-neuchateloise", "locations"): (2022, "relevés en février 2022"),
    ("pro-juventute-147", "hours"): (2019, "peer-chat selon un article de 2019"),
    ("rhne-pourtales-urgences", "phones"): (2013, "anciennes (vers 2013)"),
    ("rhne-pourtales-urgences", "locations"): (2013, "anciennes (vers 2013)"),
    ("rhne-reseau-hospitalier-neuchatelois", "phones"): (2013, "(état 2013-2014)"),
    ("rhne-reseau-hospitalier-neuchatelois", "locations"): (2013, "(état 2013-2014)"),
    ("rhne-la-chaux-de-fonds-urgences", "hours"): (2014, "ancienne page HNE (vers 2014)"),
    ("savc-auteurs-violence", "phones"): (2020, "période COVID (2020)"),
    ("savc-auteurs-violence", "emails"): (2020, "période COVID (2020)"),
    ("service-migrations", "phones"): (
        2022,
        "Téléphone, courriels Ukraine et horaire datent de 2022",
    ),
    ("service-migrations", "hours"): (
        2022,
        "Téléphone, courriels Ukraine et horaire datent de 2022",
    ),
    ("service-cantonal-sante-publique", "emails"): (2003, "E-mail de 2003"),
    ("un-jour-sans-faim", "locations"): (2020, "Adresse de 2020"),
}

_MONTHS = (
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
)
_URL_DATES = (
    # rtn.ch/…/20190912-…, ne.ch/…/20190522_…, juricaf …-20221011-…
    (re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"), "ymd"),
    (re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/"), "ymd"),
    # bger.ch aza://14-09-2022-8C_233-2022, weblaw link=04.09.2023_8C_307-2022
    (re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])[-.](0[1-9]|1[0-2])[-.]((?:19|20)\d{2})[-_]"), "dmy"),
    (re.compile(rf"-([0-3]?\d)-({'|'.join(_MONTHS)})-((?:19|20)\d{{2}})(?!\d)"), "dMy"),
)
_SEEN = re.compile(r"^((?:19|20)\d{2})(?:-(0[1-9]|1[0-2]))?(?:-(0[1-9]|[12]\d|3[01]))?(?![\d-])")
_VALUE_YEAR = re.compile(
    r"\((?:[^()]*\D)?((?:19|20)\d{2})(?:\D[^()]*)?\)|relevée? (?:en |fin )?((?:19|20)\d{2})"
)


@dataclass(frozen=True, slots=True)
class Dated:
    """A date for one field, the rule that gave it and the page it comes from."""

    day: date
    rule: str
    source: str | None


def url_date(url: str) -> date | None:
    """The one date a URL is named with, or ``None`` (none, or several that disagree)."""
    highlight = parse_qs(urlsplit(url).query).get("highlight_docid")
    text = unquote(highlight[0] if highlight else url)
    found: set[date] = set()
    for pattern, order in _URL_DATES:
        for m in pattern.finditer(text):
            a, b, c = m.groups()
            try:
                if order == "ymd":
                    found.add(date(int(a), int(b), int(c)))
                elif order == "dmy":
                    found.add(date(int(c), int(b), int(a)))
                else:
                    found.add(date(int(c), _MONTHS.index(b) + 1, int(a)))
            except ValueError:
                continue
    return found.pop() if len(found) == 1 else None


def seen_dates(path: Path) -> dict[str, date]:
    """URL → the date ``ne-contacts-2026-12.jsonl`` says its page shows (one date only)."""
    if not path.exists():
        return {}
    out: dict[str, date] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        seen = str(row.get("seen_date") or "")
        m = _SEEN.match(seen)
        # "2007-05-02 (horaire), 2008-01-16 et …" names several dates: which page is which
        # is not said, so none is used.
        if m is None or len(set(re.findall(r"(?:19|20)\d{2}", seen))) > 1:
            continue
        day = date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        for url in row.get("sources") or []:
            out[url] = day
    return out


def _value_years(field: str, value: object) -> list[int]:
    """Years the value itself carries: "(2018) lu 8h30-12h", label "tarif local (2014)"."""
    texts: list[str] = []
    if isinstance(value, str):
        texts.append(value)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping):
                texts += [str(v) for k, v in item.items() if k in ("label", "name") and v]
    return [int(a or b) for t in texts for a, b in _VALUE_YEAR.findall(t)]


def date_field(record: Mapping[str, object], field: str, pages: Mapping[str, date]) -> Dated | None:
    """The date of ``record[field]`` by the rules of this module, or ``None`` (unknown)."""
    value = record.get(field)
    if value in (None, "", []):
        return None
    provenance = record.get("provenance") or {}
    assert isinstance(provenance, Mapping)
    urls: list[str] = list(provenance.get(field) or [])
    dated = [(d, u) for u in urls if (d := url_date(u) or pages.get(u)) is not None]
    single = not isinstance(value, list) or len(value) == 1
    base: tuple[date, str] | None = None
    if dated and single:
        base = max(dated)
    elif dated and len(dated) == len(urls):
        base = min(dated)
    years = _value_years(field, value)
    note = NOTE_YEARS.get((str(record["id"]), field))
    if note is not None and note[1] in str(record.get("notes") or ""):
        years.append(note[0])
    if not years:
        return Dated(base[0], f"{MIGRATION}: date de la page source", base[1]) if base else None
    year = min(years)
    if base is not None and base[0].year <= year:
        return Dated(base[0], f"{MIGRATION}: date de la page source", base[1])
    in_year = [(d, u) for d, u in dated if d.year == year]
    if in_year:
        day, url = max(in_year) if single else min(in_year)
        return Dated(day, f"{MIGRATION}: date de la page source (année {year} indiquée)", url)
    return Dated(date(year, 1, 1), f"{MIGRATION}: année {year} indiquée, jour inconnu", None)


def migrated(record: Mapping[str, object], pages: Mapping[str, date]) -> dict[str, object]:
    """The record's new ``assured`` mapping: reviewers' entries kept, the script's redone."""
    current = record.get("assured") or {}
    assert isinstance(current, Mapping)
    kept = {
        f: a
        for f, a in current.items()
        if not str((a or {}).get("assured_by", "")).startswith(MIGRATION)
    }
    out: dict[str, object] = {}
    for field in [*FIELDS, *(f for f in kept if f not in FIELDS)]:
        if field in kept:
            out[field] = kept[field]
        elif field in FIELDS and (d := date_field(record, field, pages)) is not None:
            out[field] = {"assured_date": d.day, "assured_by": d.rule, "source": d.source}
    return out


def migrate(paths: Iterable[Path], pages: Mapping[str, date], *, dry_run: bool) -> dict[str, int]:
    """Write ``assured`` into each record file that needs it; counts by outcome."""
    counts = {"files_changed": 0, "files_unchanged": 0}
    for path in sorted(paths):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        new = migrated(record, pages)
        for field in FIELDS:
            if record.get(field) not in (None, "", []):
                key = "dated" if field in new else "unknown"
                counts[f"{field}_{key}"] = counts.get(f"{field}_{key}", 0) + 1
        if new == (record.get("assured") or {}):
            counts["files_unchanged"] += 1
            continue
        counts["files_changed"] += 1
        if dry_run:
            continue
        text = path.read_text(encoding="utf-8")  # again: another writer may have been here
        fresh = yaml.safe_load(text)
        new = migrated(fresh, pages)
        edited = replace_top_level_keys(text, {"assured": new})
        Institution.model_validate(yaml.safe_load(edited))
        write_atomically(path, edited)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "neuchatel")
    parser.add_argument("--contacts", type=Path, default=CONTACTS)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    counts = migrate(args.corpus.glob("*.yaml"), seen_dates(args.contacts), dry_run=args.dry_run)
    json.dump(counts, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
