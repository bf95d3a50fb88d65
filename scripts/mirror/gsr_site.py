"""The GSR-like directory site ("Guide social – test mirror") rendered from the corpus.

It mimics the structure of a cantonal social guide: theme listings with pagination, one fiche per
institution whose fields carry ``data-field`` attributes (the contract the GSR parser of the
crawler relies on, documented in ``corpora/sites/README.md``), a search form with pre-rendered
results, PDF exports, sitemaps with ``lastmod`` and a ``robots.txt``.
"""

from __future__ import annotations

from html_kit import (
    CATEGORY_LABELS,
    FOOTER_MARK,
    PUBLISHED,
    PUBLISHED_AT,
    Tree,
    esc,
    first_sentence,
    json_text,
    language_label,
    phone_href,
    slug,
    sort_key,
)
from pdf_writer import write_pdf

from ingest.records import CATEGORIES, Institution

SITE_TITLE = "Guide social – test mirror"
#: Fiches per theme listing page (small enough that big themes paginate).
PAGE_SIZE = 10
#: One fiche in EXPORT_EVERY gets a PDF export (keeps the repo small but exercises PDF parsing).
EXPORT_EVERY = 5
#: Queries with a pre-rendered result page behind ``/search?q=…``.
SEARCH_QUERIES = (
    "aide sociale",
    "subside LAMal",
    "dettes",
    "logement",
    "violence",
    "addiction",
    "proches aidants",
    "permis de séjour",
    "repas",
    "handicap",
    "chômage",
    "personnes âgées",
)
#: The fiche of a closed institution: linked from the home page, answered 410 by the server.
GONE_FICHE = "/fiches/permanence-fermee-2025.html"


def _theme_path(category: str, page: int = 1) -> str:
    base = f"themes/{category.replace('_', '-')}/"
    return base + ("index.html" if page == 1 else f"page-{page}.html")


def _theme_url(category: str, page: int = 1) -> str:
    path = "/" + _theme_path(category, page)
    return path.removesuffix("index.html")


def _page(
    title: str, body: str, *, head: str = "", crumbs: list[tuple[str, str]] | None = None
) -> str:
    trail = ""
    if crumbs:
        links = " › ".join(f'<a href="{esc(url)}">{esc(label)}</a>' for url, label in crumbs)
        trail = f'<nav class="breadcrumb" aria-label="Fil d\'Ariane">{links}</nav>\n'
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>{esc(title)} – {esc(SITE_TITLE)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}</head>
<body>
<header class="site-header">
<a class="logo" href="/">{esc(SITE_TITLE)}</a>
<nav class="main-nav"><ul>
<li><a href="/">Accueil</a></li>
<li><a href="/themes/">Thèmes</a></li>
<li><a href="/a-z.html">Index A–Z</a></li>
<li><a href="/recherche/">Recherche</a></li>
<li><a href="/a-propos.html">À propos</a></li>
</ul></nav>
</header>
{trail}<main id="contenu">
{body}
</main>
<footer class="site-footer">
<p>{esc(FOOTER_MARK)}.
Les fiches reprennent le corpus Permanence; aucune donnée n'a été ajoutée.</p>
<p><a href="/a-propos.html">À propos</a> · <a href="/sitemap.xml">Plan du site (XML)</a></p>
</footer>
</body>
</html>
"""


def _li(values: list[str]) -> str:
    return "".join(f"<li>{esc(v)}</li>" for v in values)


def _unconfirmed(inst: Institution, name: str) -> str:
    if name in inst.unconfirmed:
        return ' data-unconfirmed="true"'
    return ""


def _flag(inst: Institution, name: str) -> str:
    return ' <span class="a-verifier">(à vérifier)</span>' if name in inst.unconfirmed else ""


def fiche_body(inst: Institution, *, pdf_url: str | None) -> str:
    """The ``<article data-institution-id>`` block; only filled fields are rendered."""
    rows: list[str] = []

    def block(label: str, name: str, inner: str, tag: str = "p") -> None:
        rows.append(
            f'<section class="champ"><h2>{esc(label)}</h2>'
            f"<{tag} "
            f'data-field="{name}"{_unconfirmed(inst, name)}>{inner}</{tag}>'
            f"{_flag(inst, name)}</section>"
        )

    header = f'<h1 data-field="name">{esc(inst.name)}</h1>'
    if inst.acronym:
        header += (
            f'\n<p class="sigle">Sigle: <span data-field="acronym">{esc(inst.acronym)}</span></p>'
        )
    cats = "".join(
        (
            f'<li data-value="{esc(c)}"><a '
            f'href="{esc(_theme_url(c))}">{esc(CATEGORY_LABELS[c])}</a></li>'
        )
        for c in inst.categories
    )
    header += f'\n<ul class="themes" data-field="categories">{cats}</ul>'
    description = (
        f'<div class="description" data-field="description"><p>{esc(inst.description)}</p></div>'
    )
    if inst.services:
        block("Prestations", "services", _li(inst.services), "ul")
    if inst.eligibility:
        block("Public concerné", "eligibility", esc(inst.eligibility))
    if inst.service_area:
        block("Région desservie", "service_area", _li(inst.service_area), "ul")
    for loc in inst.locations:
        head = [("name", loc.name), ("street", loc.street), ("po_box", loc.po_box)]
        city = " ".join(
            f'<span data-part="{k}">{esc(v)}</span>'
            for k, v in (("postal_code", loc.postal_code), ("commune", loc.commune))
            if v
        )
        inner = ", ".join([*(f'<span data-part="{k}">{esc(v)}</span>' for k, v in head if v), city])
        rows.append(
            f'<section class="champ"><h2>Adresse</h2><address data-field="address"'
            f"{_unconfirmed(inst, 'locations')}>{inner}</address>"
            f"{_flag(inst, 'locations')}</section>"
        )
    if inst.phones:
        items = "".join(
            f'<li data-number="{esc(p.number)}"'
            + (f' data-label="{esc(p.label)}"' if p.label else "")
            + f'><a data-item href="{esc(phone_href(p.number))}">{esc(p.number)}</a>'
            + (f' <span class="label">{esc(p.label)}</span>' if p.label else "")
            + "</li>"
            for p in inst.phones
        )
        block("Téléphone", "phones", items, "ul")
    if inst.emails:
        block(
            "E-mail",
            "emails",
            "".join(f'<li><a href="mailto:{esc(e)}">{esc(e)}</a></li>' for e in inst.emails),
            "ul",
        )
    if inst.website:
        rows.append(
            f'<section class="champ"><h2>Site internet</h2><p><a data-field="website"'
            f'{_unconfirmed(inst, "website")} href="{esc(inst.website)}">{esc(inst.website)}</a>'
            f"</p>{_flag(inst, 'website')}</section>"
        )
    if inst.hours:
        block("Horaires", "hours", esc(inst.hours))
    if inst.languages:
        block(
            "Langues",
            "languages",
            "".join(
                f'<li data-value="{esc(code)}">{esc(language_label(code))}</li>'
                for code in inst.languages
            ),
            "ul",
        )
    if inst.application:
        block("Comment faire une demande", "application", esc(inst.application))
    if inst.fees:
        block("Coûts", "fees", esc(inst.fees))
    sources = "".join(f'<li><a href="{esc(u)}">{esc(u)}</a></li>' for u in inst.sources)
    meta = (
        f'<p class="maj">Fiche vérifiée le <time data-field="last_verified" '
        f'datetime="{inst.last_verified.isoformat()}">'
        f"{inst.last_verified.strftime('%d.%m.%Y')}</time></p>"
        '\n<details class="sources"><summary>Sources</summary><ul '
        f'data-field="sources">{sources}</ul></details>'
    )
    export = (
        f'\n<p class="export"><a href="{esc(pdf_url)}">Exporter la fiche en PDF</a></p>'
        if pdf_url
        else ""
    )
    return (
        f'<article class="fiche" data-institution-id="{esc(inst.id)}">\n{header}\n{description}\n'
        + "\n".join(rows)
        + f"\n{meta}{export}\n</article>"
    )


def _fiche_pdf(inst: Institution) -> bytes:
    paras = [inst.description, ""]
    if inst.services:
        paras += ["Prestations:"] + [f"- {s}" for s in inst.services] + [""]
    for label, value in (
        ("Public concerné", inst.eligibility),
        ("Horaires", inst.hours),
        ("Demande", inst.application),
        ("Coûts", inst.fees),
    ):
        if value:
            paras.append(f"{label}: {value}")
    for loc in inst.locations:
        paras.append(f"Adresse: {loc.one_line()}")
    for phone in inst.phones:
        paras.append(f"Téléphone: {phone.number}" + (f" ({phone.label})" if phone.label else ""))
    for mail in inst.emails:
        paras.append(f"E-mail: {mail}")
    if inst.website:
        paras.append(f"Site: {inst.website}")
    paras.append(f"Fiche vérifiée le {inst.last_verified.isoformat()}.")
    return write_pdf(inst.name, paras, footer=FOOTER_MARK, author=SITE_TITLE)


def _listing_item(inst: Institution) -> str:
    acronym = f" <abbr>{esc(inst.acronym)}</abbr>" if inst.acronym else ""
    return (
        f'<li class="resultat"><a href="/fiches/{esc(inst.id)}.html">{esc(inst.name)}</a>{acronym}'
        f"<p>{esc(first_sentence(inst.description))}</p></li>"
    )


def _search(insts: list[Institution], query: str) -> list[Institution]:
    words = [w for w in slug(query).split("-") if len(w) > 2]
    scored = []
    for inst in insts:
        haystack = slug(
            " ".join(
                [
                    inst.name,
                    inst.acronym or "",
                    inst.description,
                    *inst.services,
                    *(CATEGORY_LABELS[c] for c in inst.categories),
                ]
            )
        )
        score = sum(haystack.count(w) for w in words)
        if words and all(w[:5] in haystack for w in words):
            scored.append((-score, sort_key(inst.name), inst.id, inst))
    return [item[3] for item in sorted(scored, key=lambda t: t[:3])[:20]]


def build_gsr(insts: list[Institution]) -> Tree:
    """Every file of the GSR-like site."""
    tree = Tree()
    exported = {inst.id for i, inst in enumerate(insts) if i % EXPORT_EVERY == 0}
    by_theme = {
        c: sorted((i for i in insts if c in i.categories), key=lambda i: (sort_key(i.name), i.id))
        for c in CATEGORIES
    }
    themes = [c for c in CATEGORIES if by_theme[c]]

    theme_list = "".join(
        (
            f'<li><a href="{_theme_url(c)}">{esc(CATEGORY_LABELS[c])}</a> <span '
            f'class="nb">({len(by_theme[c])})</span></li>'
        )
        for c in themes
    )
    recent = sorted(insts, key=lambda i: (-i.last_verified.toordinal(), i.id))[:5]
    home = (
        f"<h1>{esc(SITE_TITLE)}</h1>\n<p>Ce guide recense {len(insts)} institutions du "
        "réseau social et "
        "sanitaire neuchâtelois, classées par thème. Chaque fiche indique ce que l'on peut y "
        "obtenir, "
        "pour qui, et comment prendre contact.</p>\n"
        f'<section><h2>Thèmes</h2><ul class="themes">{theme_list}</ul></section>\n'
        "<section><h2>Fiches récemment "
        f"vérifiées</h2><ul>{''.join(_listing_item(i) for i in recent)}</ul></section>\n"
        f'<section><h2>Archives</h2><ul><li><a href="{GONE_FICHE}">Permanence fermée en 2025 '
        "(fiche archivée)</a></li>"
        '<li><a href="/index.php?page=guide">Ancienne adresse du guide</a></li></ul></section>'
    )
    tree.add("index.html", _page("Accueil", home))
    tree.add(
        "themes/index.html",
        _page(
            "Thèmes",
            f'<h1>Tous les thèmes</h1><ul class="themes">{theme_list}</ul>',
            crumbs=[("/", "Accueil")],
        ),
    )
    for c in themes:
        members = by_theme[c]
        pages = max(1, -(-len(members) // PAGE_SIZE))
        for page in range(1, pages + 1):
            chunk = members[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            links, head = [], ""
            if page > 1:
                links.append(
                    f'<a rel="prev" href="{_theme_url(c, page - 1)}">« Page précédente</a>'
                )
                head += f'<link rel="prev" href="{_theme_url(c, page - 1)}">\n'
            if page < pages:
                links.append(f'<a rel="next" href="{_theme_url(c, page + 1)}">Page suivante »</a>')
                head += f'<link rel="next" href="{_theme_url(c, page + 1)}">\n'
            numbers = " ".join(
                f"<strong>{n}</strong>" if n == page else f'<a href="{_theme_url(c, n)}">{n}</a>'
                for n in range(1, pages + 1)
            )
            body = (
                f'<h1>{esc(CATEGORY_LABELS[c])}</h1>\n<p class="compte">{len(members)} '
                f"fiches – page {page} sur {pages}</p>\n"
                f'<ul class="resultats">{"".join(_listing_item(i) for i in chunk)}</ul>\n'
                f'<nav class="pagination" aria-label="Pagination">{" ".join(links)} <span '
                f'class="pages">{numbers}</span></nav>'
            )
            if c == themes[0] and page == 1:
                body += (
                    '\n<p class="voir-aussi">Voir aussi: <a '
                    'href="/fiches/guide-des-aides-2019.html">Guide des aides 2019</a></p>'
                )
            tree.add(
                _theme_path(c, page),
                _page(
                    CATEGORY_LABELS[c],
                    body,
                    head=head,
                    crumbs=[("/", "Accueil"), ("/themes/", "Thèmes")],
                ),
            )
    for inst in insts:
        pdf_url = f"/export/{inst.id}.pdf" if inst.id in exported else None
        crumbs = [
            ("/", "Accueil"),
            (_theme_url(inst.categories[0]), CATEGORY_LABELS[inst.categories[0]]),
        ]
        head = f'<link rel="canonical" href="__ORIGIN__/fiches/{esc(inst.id)}.html">\n'
        tree.add(
            f"fiches/{inst.id}.html",
            _page(inst.name, fiche_body(inst, pdf_url=pdf_url), head=head, crumbs=crumbs),
        )
        if pdf_url:
            tree.add(f"export/{inst.id}.pdf", _fiche_pdf(inst))
    az = sorted(insts, key=lambda i: (sort_key(i.name), i.id))
    tree.add(
        "a-z.html",
        _page(
            "Index A–Z",
            f'<h1>Index A–Z</h1><ul class="az">{"".join(_listing_item(i) for i in az)}</ul>',
            crumbs=[("/", "Accueil")],
        ),
    )
    tree.add(
        "a-propos.html",
        _page(
            "À propos",
            (
                "<h1>À propos de ce guide</h1><p>Ce site est une copie de test générée "
                "automatiquement à partir du "
                "corpus d'institutions du projet Permanence. Il imite la structure d'un "
                "guide social cantonal pour "
                "que les robots d'indexation puissent être testés sans accès à internet. Les "
                "informations de contact "
                "proviennent uniquement des fiches du corpus.</p>"
            ),
            crumbs=[("/", "Accueil")],
        ),
    )
    _add_search(tree, insts)
    tree.add(
        "admin/index.html",
        _page(
            "Administration",
            (
                "<h1>Espace d'administration</h1><p>Accès réservé. Cette page est exclue par "
                "robots.txt.</p>"
            ),
        ),
    )
    tree.add(
        "404.html",
        _page(
            "Page introuvable",
            (
                "<h1>Page introuvable</h1><p>Cette page n'existe pas ou plus. Retour à <a "
                'href="/">l\'accueil</a>.</p>'
            ),
        ),
    )
    tree.add(
        "robots.txt",
        (
            "# Guide social – test mirror\nUser-agent: *\nDisallow: /admin/\nDisallow: /search\n\n"
            "User-agent: AggressiveBot\nDisallow: /\n\nSitemap: __ORIGIN__/sitemap.xml\n"
        ),
    )
    _add_sitemaps(tree, insts, themes, by_theme, exported)
    tree.add(
        "_server.json",
        json_text(
            {
                "description": "GSR-like directory; /search answered from search/<slug>.html",
                "last_modified": PUBLISHED_AT,
                "last_modified_paths": {
                    f"/fiches/{i.id}.html": f"{i.last_verified.isoformat()}T06:00:00Z"
                    for i in insts
                },
                "redirects": {"/index.php": "/", "/guide/": {"to": "/themes/", "status": 302}},
                "status": {GONE_FICHE: 410},
                "headers": {"*": {"X-Mirror": "gsr"}},
                "queries": {
                    "/search": {
                        "param": "q",
                        "dir": "search",
                        "missing": "search/_aucun-resultat.html",
                    }
                },
            }
        ),
    )
    return tree


def _add_search(tree: Tree, insts: list[Institution]) -> None:
    examples = "".join(
        f'<li><a href="/search?q={esc(q.replace(" ", "+"))}">{esc(q)}</a></li>'
        for q in SEARCH_QUERIES
    )
    form = (
        '<h1>Rechercher une institution</h1>\n<form class="recherche" action="/search" '
        'method="get" role="search">'
        '<label for="q">Mots-clés</label> <input id="q" name="q" type="search"> <button '
        'type="submit">Rechercher</button></form>\n'
        f"<h2>Recherches fréquentes</h2><ul>{examples}</ul>"
    )
    tree.add("recherche/index.html", _page("Recherche", form, crumbs=[("/", "Accueil")]))
    for query in SEARCH_QUERIES:
        found = _search(insts, query)
        body = (
            f'<h1>Résultats pour « {esc(query)} »</h1>\n<p class="compte">{len(found)} '
            "résultat(s)</p>\n"
            f'<ul class="resultats">{"".join(_listing_item(i) for i in found)}</ul>'
        )
        tree.add(
            f"search/{slug(query)}.html",
            _page(f"Recherche: {query}", body, head='<meta name="robots" content="noindex">\n'),
        )
    tree.add(
        "search/_aucun-resultat.html",
        _page(
            "Aucun résultat",
            (
                "<h1>Aucun résultat</h1><p>Essayez un autre mot-clé ou parcourez les <a "
                'href="/themes/">thèmes</a>.</p>'
            ),
            head='<meta name="robots" content="noindex">\n',
        ),
    )


def _add_sitemaps(
    tree: Tree,
    insts: list[Institution],
    themes: list[str],
    by_theme: dict[str, list[Institution]],
    exported: set[str],
) -> None:
    def urlset(entries: list[tuple[str, str]]) -> str:
        rows = "".join(
            f"  <url><loc>__ORIGIN__{esc(loc)}</loc><lastmod>{mod}</lastmod></url>\n"
            for loc, mod in entries
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</urlset>\n"
        )

    pages = [
        ("/", PUBLISHED),
        ("/themes/", PUBLISHED),
        ("/a-z.html", PUBLISHED),
        ("/recherche/", PUBLISHED),
        ("/a-propos.html", PUBLISHED),
    ]
    for c in themes:
        count = max(1, -(-len(by_theme[c]) // PAGE_SIZE))
        pages += [(_theme_url(c, n), PUBLISHED) for n in range(1, count + 1)]
    fiches = [(f"/fiches/{i.id}.html", i.last_verified.isoformat()) for i in insts]
    docs = [(f"/export/{i.id}.pdf", i.last_verified.isoformat()) for i in insts if i.id in exported]
    parts = {"pages": pages, "fiches": fiches, "exports": docs}
    index_rows = ""
    for name, entries in parts.items():
        tree.add(f"sitemaps/{name}.xml", urlset(entries))
        latest = max(mod for _, mod in entries) if entries else PUBLISHED
        index_rows += (
            "  "
            f"<sitemap><loc>__ORIGIN__/sitemaps/{name}.xml</loc>"
            f"<lastmod>{latest}</lastmod></sitemap>\n"
        )
    tree.add(
        "sitemap.xml",
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{index_rows}</sitemapindex>\n"
        ),
    )
