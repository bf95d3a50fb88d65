"""Regenerate the local website mirror ``corpora/sites/`` from ``corpora/neuchatel/``.

Usage::

    python scripts/mirror/generate.py                 # rewrite corpora/sites/
    python scripts/mirror/generate.py --out /tmp/m    # write elsewhere (tests compare trees)
    python scripts/mirror/generate.py --check         # exit 1 if corpora/sites/ is stale

The output is a pure function of the corpus: sorted inputs, fixed dates, no randomness, so that
the committed mirror can be checked byte for byte against a fresh run. Files the generator no
longer produces are deleted from the output folder.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the script runs from a checkout, not an installed package
    sys.path.insert(0, str(REPO))

from corpus import CorpusError, load_institutions  # noqa: E402 - needs the path set above
from gsr_site import build_gsr  # noqa: E402
from html_kit import Tree  # noqa: E402
from intranet_site import build_intranet, build_intranet_basic  # noqa: E402
from org_sites import build_org_sites  # noqa: E402

logger = logging.getLogger("mirror.generate")

DEFAULT_CORPUS = REPO / "corpora" / "neuchatel"
DEFAULT_OUT = REPO / "corpora" / "sites"
README_TEMPLATE = Path(__file__).with_name("README.sites.md")


def build(corpus_dir: Path) -> Tree:
    """Every file of the mirror, keyed by path relative to the output folder."""
    insts = load_institutions(corpus_dir)
    tree = Tree()
    org_sites = build_org_sites(insts)
    tree.add("README.md", README_TEMPLATE.read_text(encoding="utf-8") + _site_table(org_sites))
    tree.merge("gsr", build_gsr(insts))
    for host, site in org_sites:
        tree.merge(host, site)
    tree.merge("intranet", build_intranet(insts))
    tree.merge("intranet-basic", build_intranet_basic(insts))
    return tree


def _site_table(org_sites: list[tuple[str, Tree]]) -> str:
    """The README section listing this build's institution websites."""
    rows = []
    for host, site in org_sites:
        config = json.loads(site.files["_server.json"])
        rows.append(f"| `{host}/` | {config['layout']} | `{config['institution_id']}` |")
    return (
        "\n## Institution websites in this build\n\n"
        "Generated; each `_server.json` also holds `institution_id` and `layout`.\n\n"
        "| folder | layout | institution id |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    )


def _existing(out: Path) -> dict[str, bytes]:
    if not out.exists():
        return {}
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def write(tree: Tree, out: Path) -> tuple[int, int, int]:
    """Write ``tree`` under ``out``; returns (written, unchanged, deleted) file counts."""
    old = _existing(out)
    written = unchanged = 0
    for rel in sorted(tree.files):
        data = tree.files[rel]
        if old.get(rel) == data:
            unchanged += 1
            continue
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    stale = sorted(set(old) - set(tree.files))
    for rel in stale:
        (out / rel).unlink()
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return written, unchanged, len(stale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="institution records folder"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="mirror output folder")
    parser.add_argument(
        "--check", action="store_true", help="only report whether --out is up to date"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        tree = build(args.corpus)
    except CorpusError as exc:
        logger.error("%s", exc)
        return 2
    size = sum(len(b) for b in tree.files.values())
    if args.check:
        old = _existing(args.out)
        if old != tree.files:
            changed = sorted(
                k for k in set(old) | set(tree.files) if old.get(k) != tree.files.get(k)
            )
            print(f"{args.out} is stale: {len(changed)} files differ, e.g. {changed[:5]}")
            return 1
        print(f"{args.out} is up to date ({len(tree.files)} files, {size} bytes)")
        return 0
    written, unchanged, deleted = write(tree, args.out)
    print(
        f"{len(tree.files)} files ({size} bytes) in {args.out}: "
        f"{written} written, {unchanged} unchanged, {deleted} deleted"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
