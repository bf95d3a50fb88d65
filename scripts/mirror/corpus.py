"""Load the curated institutions that the mirror is rendered from.

The mirror must be a pure function of ``corpora/neuchatel/``: files are read in sorted order and
validated with the project's own ``Institution`` record, so a record the corpus check would refuse
never reaches the websites either.
"""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

from ingest.records import Institution

logger = logging.getLogger(__name__)


class CorpusError(ValueError):
    """A record of the corpus cannot be read; the message names the file."""


def load_institutions(corpus_dir: Path) -> list[Institution]:
    """Every ``*.yaml``/``*.yml``/``*.json`` record of ``corpus_dir``, sorted by id.

    Raises:
        CorpusError: the folder is missing, a file is not valid, or two files share an id.
    """
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist; pass --corpus DIR")
    records: dict[str, Institution] = {}
    paths = sorted(p for p in corpus_dir.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    for path in paths:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            record = Institution.model_validate(data)
        except (OSError, yaml.YAMLError, ValueError) as exc:
            raise CorpusError(f"{path} is not a valid institution record: {exc}") from exc
        if record.id in records:
            raise CorpusError(f"{path} repeats the id {record.id!r}; ids must be unique")
        records[record.id] = record
    logger.info("loaded %d institutions from %s", len(records), corpus_dir)
    return [records[key] for key in sorted(records)]
