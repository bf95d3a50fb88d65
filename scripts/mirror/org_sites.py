"""Pick the institutions that get a mirror website and render each with its own layout.

The choice is deterministic: the ``PREFERRED`` id fragments first (the main NGOs of the issue),
then the best-documented remaining records, skipping any whose host name is already taken, so
that two records of one organisation do not fight over one folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from html_kit import Tree, host_name, json_text
from org_content import PREFERRED, SITE_COUNT, Content
from org_layouts_a import (
    layout_blog,
    layout_classic,
    layout_grid,
    layout_latin1,
    layout_onepage,
    layout_pretty,
)
from org_layouts_b import (
    layout_admin,
    layout_bilingual,
    layout_cards,
    layout_minimal,
    layout_news,
    layout_scripted,
)

from ingest.records import Institution

LAYOUTS: tuple[Callable[[Content], Tree], ...] = (
    layout_classic,
    layout_pretty,
    layout_grid,
    layout_blog,
    layout_onepage,
    layout_latin1,
    layout_cards,
    layout_admin,
    layout_bilingual,
    layout_news,
    layout_scripted,
    layout_minimal,
)


def _richness(inst: Institution) -> tuple[int, str]:
    """More filled facts first; id breaks ties."""
    return (-len(inst.filled_fact_fields()) - len(inst.services), inst.id)


def select_institutions(insts: list[Institution], count: int = SITE_COUNT) -> list[Institution]:
    """Up to ``count`` institutions with distinct host names, preferred ones first."""
    chosen: list[Institution] = []
    hosts: set[str] = set()

    def take(inst: Institution) -> None:
        host = host_name(inst)
        if len(chosen) < count and host not in hosts and inst not in chosen:
            chosen.append(inst)
            hosts.add(host)

    for fragment in PREFERRED:
        matches = sorted((i for i in insts if fragment in i.id), key=lambda i: (len(i.id), i.id))
        for inst in matches:
            if host_name(inst) not in hosts:
                take(inst)
                break
    for inst in sorted(insts, key=_richness):
        take(inst)
    return chosen


def build_org_sites(insts: list[Institution]) -> list[tuple[str, Tree]]:
    """(folder name, files) of every institution website; layouts cycle over the selection."""
    sites = []
    for index, inst in enumerate(select_institutions(insts, max(SITE_COUNT, len(LAYOUTS)))):
        content = Content(inst=inst, host=host_name(inst))
        tree = LAYOUTS[index % len(LAYOUTS)](content)
        config = json.loads(tree.files["_server.json"])
        config["institution_id"] = inst.id
        tree.files["_server.json"] = json_text(config).encode("utf-8")
        sites.append((content.host, tree))
    return sorted(sites, key=lambda item: item[0])
