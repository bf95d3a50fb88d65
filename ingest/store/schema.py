"""The layout history of ``documents.db``: one migration step per schema version.

Why a module of its own: the steps are history shared by every part of the store (documents,
crawl ledger, fiches, institutions, metadata), and a released step is never edited. A change of
layout is a new step at the end of :data:`DOCUMENTS_SCHEMA`, applied at open by
:func:`permanence.sqlite_schema.migrate`.
"""

from __future__ import annotations

from permanence.sqlite_schema import Schema

__all__ = ["DOCUMENTS_SCHEMA"]

#: Version 1, the layout from before versions were recorded (so it keeps ``IF NOT EXISTS``:
#: an unversioned file of this layout is stamped version 1 as it is). The crawl bookkeeping
#: (``page_state``, ``crawl_runs``, ``crawl_frontier``) is kept apart from ``documents`` so
#: that the document contract stays what the index reads.
_V1_LAYOUT = """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL DEFAULT 1,
    source_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    audience TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    language TEXT,
    institution_id TEXT,
    categories TEXT NOT NULL DEFAULT '[]',
    communes TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    gone_strikes INTEGER NOT NULL DEFAULT 0,
    UNIQUE (url, version)
);
CREATE INDEX IF NOT EXISTS documents_current ON documents (is_current, status, kind, audience);
CREATE INDEX IF NOT EXISTS documents_source ON documents (source_id, is_current);
CREATE TABLE IF NOT EXISTS institutions (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS page_state (
    url TEXT PRIMARY KEY,
    doc_url TEXT NOT NULL,
    source_id TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    links TEXT NOT NULL DEFAULT '[]',
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS crawl_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    pid INTEGER NOT NULL,
    hostname TEXT NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    summary TEXT
);
CREATE INDEX IF NOT EXISTS crawl_runs_source ON crawl_runs (source_id, status);
CREATE TABLE IF NOT EXISTS crawl_frontier (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    seq INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    lastmod TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    outcome TEXT,
    detail TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS gsr_fiches (
    institution_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    record TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
"""

#: Version 2: the next frontier ``seq`` of a run was found by visiting every URL of the run,
#: so a crawl of n pages cost O(n²) (20 000 pages: a minute of SQLite alone).
_V2_FRONTIER_SEQ = """
CREATE INDEX IF NOT EXISTS crawl_frontier_seq ON crawl_frontier (run_id, seq);
"""

#: Version 3: contact facts read from crawled pages (``page_facts``, one JSON list per page,
#: kept while the page is unchanged) and the proposals made from them (``fact_proposals``),
#: which wait for a reviewer: nothing reaches a record without a decision.
_V3_FACTS = """
CREATE TABLE page_facts (
    url TEXT PRIMARY KEY,
    facts TEXT NOT NULL DEFAULT '[]',
    page_date TEXT,
    extracted_at TEXT NOT NULL
);
CREATE TABLE fact_proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    institution_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value_key TEXT NOT NULL,
    value TEXT,
    current_value TEXT,
    status TEXT NOT NULL,
    source_url TEXT NOT NULL,
    snippet TEXT NOT NULL DEFAULT '',
    page_date TEXT,
    detail TEXT NOT NULL DEFAULT '{}',
    first_seen_at TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    decision TEXT NOT NULL DEFAULT 'pending',
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT
);
CREATE INDEX fact_proposals_decision ON fact_proposals (decision, institution_id);
CREATE UNIQUE INDEX fact_proposals_pending
    ON fact_proposals (institution_id, field, status, value_key) WHERE decision = 'pending';
"""

DOCUMENTS_SCHEMA = Schema(steps=(_V1_LAYOUT, _V2_FRONTIER_SEQ, _V3_FACTS))
