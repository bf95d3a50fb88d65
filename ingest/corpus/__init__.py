"""Tools around the curated corpus: loading, checking, statistics, HSDS exchange, communes.

The records themselves live in ``corpora/neuchatel/<id>.yaml`` and the commune table in
``corpora/communes.yaml``; ``permanence corpus …`` (see :mod:`ingest.corpus.commands`) runs
these tools from the command line.
"""

from __future__ import annotations

from ingest.corpus.check import CANTON, Finding, Severity, check_corpus, check_institution
from ingest.corpus.communes import (
    OFFICE_FIELDS,
    REGIONS,
    Commune,
    CommuneMatch,
    CommuneResolver,
    CommuneTable,
    PlaceName,
    default_communes_path,
    load_communes,
    normalize_place,
    resolve_commune,
)
from ingest.corpus.conversations import (
    CONVERSATIONS_FILE,
    ConversationError,
    ConversationTurn,
    GoldConversation,
    load_conversations,
    read_conversations,
)
from ingest.corpus.gold import GoldProblem, GoldQuestion, GoldSet, read_gold_dir, read_gold_set
from ingest.corpus.hsds import (
    HSDS_TABLES,
    from_hsds_tables,
    to_hsds_tables,
)
from ingest.corpus.hsds_files import export_hsds, import_hsds
from ingest.corpus.loader import (
    LoadProblem,
    dump_institution,
    iter_record_files,
    load_corpus,
    load_institution,
    read_institution,
    write_institution,
)
from ingest.corpus.stats import corpus_stats
from ingest.corpus.vocabulary import (
    ServiceTerm,
    Vocabulary,
    VocabularyError,
    default_vocabulary_path,
    load_vocabulary,
)

__all__ = [
    "CANTON",
    "CONVERSATIONS_FILE",
    "HSDS_TABLES",
    "OFFICE_FIELDS",
    "REGIONS",
    "Commune",
    "CommuneMatch",
    "CommuneResolver",
    "CommuneTable",
    "ConversationError",
    "ConversationTurn",
    "Finding",
    "GoldConversation",
    "GoldProblem",
    "GoldQuestion",
    "GoldSet",
    "LoadProblem",
    "PlaceName",
    "ServiceTerm",
    "Severity",
    "Vocabulary",
    "VocabularyError",
    "check_corpus",
    "check_institution",
    "corpus_stats",
    "default_communes_path",
    "default_vocabulary_path",
    "dump_institution",
    "export_hsds",
    "from_hsds_tables",
    "import_hsds",
    "iter_record_files",
    "load_communes",
    "load_conversations",
    "load_corpus",
    "load_institution",
    "load_vocabulary",
    "normalize_place",
    "read_conversations",
    "read_gold_dir",
    "read_gold_set",
    "read_institution",
    "resolve_commune",
    "to_hsds_tables",
    "write_institution",
]
