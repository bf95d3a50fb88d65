"""HSDS tables on disk: one ``<table>.json`` per table, written and read back.

The mapping between records and tables is :mod:`ingest.corpus.hsds`; this module only moves
the tables to and from files, and says which file is wrong when one is.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from ingest.corpus.hsds import HSDS_TABLES, Row, from_hsds_tables, to_hsds_tables
from ingest.errors import CorpusError
from ingest.records import Institution

__all__ = ["export_hsds", "import_hsds"]

logger = logging.getLogger(__name__)


def export_hsds(institutions: Iterable[Institution], directory: Path) -> dict[str, int]:
    """Write ``<table>.json`` files into ``directory``; returns the row count per table."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = to_hsds_tables(institutions)
    for name, rows in tables.items():
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
        (directory / f"{name}.json").write_text(text, encoding="utf-8")
    logger.info("wrote HSDS tables to %s", directory)
    return {name: len(rows) for name, rows in tables.items()}


def import_hsds(directory: Path) -> list[Institution]:
    """Read the tables written by :func:`export_hsds` back into institutions.

    ``organizations.json`` and ``services.json`` are required; a missing optional table
    counts as empty.

    Raises:
        CorpusError: a required table is missing, a file is not a JSON array of objects, or a
            record cannot be rebuilt.
    """
    tables: dict[str, list[Row]] = {}
    for name in HSDS_TABLES:
        path = directory / f"{name}.json"
        if not path.exists():
            if name in ("organizations", "services"):
                raise CorpusError(f"{path}: missing; an HSDS export needs {name}.json")
            tables[name] = []
            continue
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}: not valid JSON (line {exc.lineno}): {exc.msg}") from exc
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise CorpusError(f"{path}: expected a JSON array of objects")
        tables[name] = rows
    return from_hsds_tables(tables)
