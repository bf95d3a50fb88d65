"""Builds of a Qdrant server index: versioned collections behind one alias, swapped atomically.

Why: ``permanence index --rebuild`` against a Qdrant server used to delete and recreate the
live collection under a running server (issue 22), so searches found nothing, or half an
index, until the rebuild finished. Now, as the embedded backend does with folders
(:mod:`index.backends.builds`), a rebuild writes into a new collection ``<name>_<timestamp>``
while the alias ``<name>`` keeps pointing at the previous one; once the build has finished,
one ``update_collection_aliases`` call deletes and recreates the alias (Qdrant applies the
operations of one call atomically), then the older collections are dropped. Every search goes
through the alias, so a serving process follows the swap without reopening anything.

Layout on the server, for the collection name ``permanence``::

    permanence                          alias → the live build
    permanence_20261203T170501123456    one build (dense + sparse vectors, payloads)
    permanence_20261203T170501123456_meta   its models and build marker (one point)

Migration: an index from before aliases is a plain collection ``permanence`` with
``permanence_meta``. It stays the live index (searched by its name) until the next rebuild,
whose swap deletes it and creates the alias in its place: an alias cannot take the name of an
existing collection, so that one swap leaves the name unresolved for the time between two
requests (milliseconds), once.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from qdrant_client import QdrantClient, models

__all__ = [
    "alias_target",
    "build_collections",
    "drop_builds_before",
    "is_legacy",
    "live_collection",
    "meta_name",
    "new_build_name",
    "swap_alias",
]

_STAMP = "%Y%m%dT%H%M%S%f"


def meta_name(collection: str) -> str:
    """The side collection holding ``collection``'s models and build marker."""
    return f"{collection}_meta"


def new_build_name(alias: str) -> str:
    """A fresh build name ``<alias>_<UTC timestamp to the microsecond>``; names sort by age."""
    return f"{alias}_{datetime.now(UTC).strftime(_STAMP)}"


def _build_pattern(alias: str) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(alias)}_\d{{8}}T\d{{12}}")


def alias_target(client: QdrantClient, alias: str) -> str | None:
    """The collection ``alias`` points at; ``None`` when there is no such alias."""
    for item in client.get_aliases().aliases:
        if item.alias_name == alias:
            return item.collection_name
    return None


def is_legacy(client: QdrantClient, name: str) -> bool:
    """Whether ``name`` is a real collection (an index from before aliases), not an alias."""
    return any(c.name == name for c in client.get_collections().collections)


def live_collection(client: QdrantClient, alias: str) -> str | None:
    """The collection searches under ``alias`` reach: the alias's target, or a legacy one."""
    target = alias_target(client, alias)
    if target is not None:
        return target
    return alias if is_legacy(client, alias) else None


def build_collections(client: QdrantClient, alias: str) -> list[str]:
    """Every build collection of ``alias`` (live, previous, unfinished), oldest first."""
    pattern = _build_pattern(alias)
    names = (c.name for c in client.get_collections().collections)
    return sorted(n for n in names if pattern.fullmatch(n))


def swap_alias(client: QdrantClient, alias: str, build: str) -> None:
    """Point ``alias`` at ``build`` in one atomic alias update (a legacy collection goes first)."""
    operations: list[models.AliasOperations] = []
    if alias_target(client, alias) is not None:
        operations.append(
            models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias))
        )
    elif is_legacy(client, alias):
        client.delete_collection(alias)
        if client.collection_exists(meta_name(alias)):
            client.delete_collection(meta_name(alias))
    operations.append(
        models.CreateAliasOperation(
            create_alias=models.CreateAlias(collection_name=build, alias_name=alias)
        )
    )
    client.update_collection_aliases(change_aliases_operations=operations)


def drop_builds_before(client: QdrantClient, alias: str, live: str) -> list[str]:
    """Delete the builds older than ``live`` (the previous live one, killed rebuilds).

    Newer builds are left alone: another rebuild may be writing one. Returns what went.
    """
    dropped = [name for name in build_collections(client, alias) if name < live]
    for name in dropped:
        client.delete_collection(name)
        if client.collection_exists(meta_name(name)):
            client.delete_collection(meta_name(name))
    return dropped
