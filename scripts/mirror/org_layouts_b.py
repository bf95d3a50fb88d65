"""Institution website layouts 6–11.

6 Bootstrap-like cards with a FAQ of ``<details>`` · 7 a cantonal-administration look (``.aspx``
pages, left menu, redirect chain) · 8 bilingual site (``/`` → ``/fr/``, a German page) ·
9 news-heavy site with pagination and a 410 item · 10 script-heavy page with JSON-LD ·
11 minimal site with a robots-excluded folder and a PDF-only page.
"""

from __future__ import annotations

import json

from html_kit import CATEGORY_LABELS, Tree, esc, slug
from org_content import (
    FICTIONAL_NEWS,
    NEWS_NOTE,
    Content,
    contact_divs,
    contact_dl,
    contact_lines,
    contact_rows,
    contact_table,
    cookie_banner,
    footer_text,
    national,
    services_cards,
    services_sentence,
    services_ul,
)
from org_layouts_a import brochure, server_json, sitemap


def layout_cards(c: Content) -> Tree:
    """Cards grid, FAQ with <details>, breadcrumbs, cookie modal, canonical, sitemap."""
    tree = Tree()
    menu = [
        ("/", "Accueil"),
        ("/prestations/", "Prestations"),
        ("/faq/", "Questions fréquentes"),
        ("/actualites/", "Actualités"),
        ("/contact/", "Contact"),
    ]

    def page(path: str, title: str, body: str) -> None:
        url = "/" + path.removesuffix("index.html")
        items = "".join(
            f'<li class="nav-item"><a class="nav-link" href="{u}">{t}</a></li>' for u, t in menu
        )
        tree.add(
            path,
            f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · {esc(c.short)}</title><link rel="canonical" href="__ORIGIN__{esc(url)}">
<link rel="stylesheet" href="/css/bootstrap.min.css"></head>
<body>
<nav class="navbar navbar-expand-lg"><a class="navbar-brand" href="/">{esc(c.short)}</a>
<ul class="navbar-nav">{items}</ul></nav>
<div class="modal" id="cookieModal" tabindex="-1">{cookie_banner(0)}</div>
<div class="container"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/">Accueil</a>
</li><li class="breadcrumb-item active">{esc(title)}</li></ol>
{body}
</div>
<footer class="footer mt-auto py-3"><div class="container">
<span class="text-muted">{footer_text(c)}</span></div></footer>
<script src="/js/bootstrap.bundle.min.js"></script>
</body></html>
""",
        )

    page(
        "index.html",
        "Accueil",
        (
            f'<div class="jumbotron"><h1 class="display-4">{esc(c.title)}</h1><p '
            f'class="lead">{esc(c.intro()[0])}</p></div>'
        )
        + "".join(f"<p>{esc(p)}</p>" for p in c.intro()[1:]),
    )
    page(
        "prestations/index.html",
        "Prestations",
        (
            f'<h1>Prestations</h1>{services_cards(c)}<p><a class="btn btn-primary" '
            'href="/documents/presentation.pdf">Présentation (PDF)</a></p>'
        ),
    )
    faq = [("À qui s'adresse votre offre?", c.who()), ("Comment prendre contact?", c.how())]
    if c.inst.fees:
        faq.append(("Est-ce payant?", c.inst.fees))
    if c.area():
        faq.append(("Dans quelle région intervenez-vous?", c.area()))
    details = "".join(
        f'<details class="faq"><summary>{esc(q)}</summary><p>{esc(a)}</p></details>' for q, a in faq
    )
    page(
        "faq/index.html",
        "Questions fréquentes",
        f"<h1>Questions fréquentes</h1>{details}"
        '<p><a href="/faq/archives/">Anciennes questions</a></p>',
    )
    page(
        "contact/index.html",
        "Contact",
        f'<h1>Contact</h1><div class="row"><div class="col">{contact_divs(c)}</div></div>',
    )
    cards = ""
    for day, title, text in FICTIONAL_NEWS:
        page(
            f"actualites/{slug(title)}/index.html",
            title,
            (
                f"<h1>{esc(title)}</h1><p "
                f'class="text-muted">{day}</p><p>{esc(text)}</p><p><em>{NEWS_NOTE}</em></p>'
            ),
        )
        cards += (
            '<div class="card"><div class="card-body"><h5 '
            f'class="card-title">{esc(title)}</h5><a class="stretched-link" '
            f'href="/actualites/{slug(title)}/">Lire</a></div></div>'
        )
    page(
        "actualites/index.html",
        "Actualités",
        f'<h1>Actualités</h1><div class="cards">{cards}</div>',
    )
    tree.add("documents/presentation.pdf", brochure(c))
    tree.add("sitemap.xml", sitemap(["/", "/prestations/", "/faq/", "/contact/", "/actualites/"]))
    tree.add(
        "robots.txt",
        "User-agent: *\nDisallow: /css/\nDisallow: /js/\nSitemap: __ORIGIN__/sitemap.xml\n",
    )
    tree.add(
        "_server.json",
        server_json(
            (
                "cards: FAQ details, canonical, sitemap; old .html URLs redirect (301 and 308) "
                "to folders; /css, /js and /faq/archives/ are missing"
            ),
            redirects={
                "/prestations.html": "/prestations/",
                "/faq.html": {"to": "/faq/", "status": 308},
            },
        ),
    )
    return tree


def layout_admin(c: Content) -> Tree:
    """A cantonal-administration look: .aspx pages, left menu, aside contact box, redirect chain."""
    tree = Tree()
    left = [
        ("/Pages/accueil.aspx", "Accueil"),
        ("/Pages/prestations.aspx", "Prestations"),
        ("/Pages/formulaires.aspx", "Formulaires"),
        ("/Pages/contact.aspx", "Contact"),
        ("/Pages/archives.aspx", "Archives"),
    ]

    def page(name: str, title: str, body: str) -> None:
        menu = "".join(f'<li><a href="{u}">{t}</a></li>' for u, t in left)
        phone = f"<p>Tél. {esc(national(c.inst.phones[0].number))}</p>" if c.inst.phones else ""
        tree.add(
            f"Pages/{name}",
            f"""<!DOCTYPE html>
<html lang="fr" dir="ltr"><head><meta charset="utf-8"><title>{esc(title)}</title>
<link rel="canonical" href="__ORIGIN__/Pages/{name}"></head>
<body class="ms-backgroundImage"><form method="post" action="./{name}" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4MzE0MjEwNTs7Pg==">
<div id="s4-workspace"><div id="header">
<span class="portail">Portail de test</span> › <span>{esc(c.title)}</span></div>
<div id="breadcrumb"><a href="/Pages/accueil.aspx">Accueil</a> &gt; <span>{esc(title)}</span></div>
<div id="leftNav"><h3>Dans cette rubrique</h3><ul>{menu}</ul></div>
<div id="contentBox"><div class="ms-rtestate-field">{body}</div></div>
<aside id="contactBox"><h3>Contact</h3><p>{esc(c.title)}</p>{phone}</aside>
<div id="footer">{footer_text(c)}</div></div></form></body></html>
""",
        )

    page(
        "accueil.aspx",
        c.title,
        f"<h1>{esc(c.title)}</h1>" + "".join(f"<p>{esc(p)}</p>" for p in c.intro()),
    )
    page(
        "prestations.aspx",
        "Prestations",
        f"<h1>Prestations</h1>{services_ul(c)}<h2>Conditions</h2><p>{esc(c.who())}</p>",
    )
    page(
        "formulaires.aspx",
        "Formulaires",
        (
            f"<h1>Formulaires et démarches</h1><p>{esc(c.how())}</p><ul><li><a "
            'href="/Documents/presentation.pdf">Présentation (PDF)</a></li><li><a '
            'href="/Documents/formulaire-2021.pdf">Ancien formulaire 2021 (PDF)</a></li></ul>'
        ),
    )
    page("contact.aspx", "Contact", f"<h1>Contact</h1>{contact_table(c)}")
    tree.add("Documents/presentation.pdf", brochure(c))
    tree.add("robots.txt", "User-agent: *\nDisallow: /_layouts/\nDisallow: /_vti_bin/\n")
    tree.add(
        "_server.json",
        server_json(
            "admin: administration look; / → /Pages/accueil.aspx (302); chain /ancien/ → "
            "/Pages/default.aspx → /Pages/accueil.aspx; "
            "/Pages/archives.aspx is broken; /Documents/formulaire-2021.pdf is 410",
            redirects={
                "/": {"to": "/Pages/accueil.aspx", "status": 302},
                "/ancien/": "/Pages/default.aspx",
                "/Pages/default.aspx": "/Pages/accueil.aspx",
            },
            status={"/Documents/formulaire-2021.pdf": 410},
        ),
    )
    return tree


def layout_bilingual(c: Content) -> Tree:
    """/ → /fr/ (302), hreflang alternates, a short German page, a missing Italian version."""
    tree = Tree()

    def page(path: str, lang: str, title: str, body: str, other: str) -> None:
        alt_lang = "de" if lang == "fr" else "fr"
        tree.add(
            path,
            f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{esc(title)}</title>
<link rel="alternate" hreflang="{alt_lang}" href="__ORIGIN__{other}"></head>
<body>{cookie_banner(0) if lang == "fr" else ""}
<div class="lang-switch"><a href="/fr/">FR</a> <a href="/de/">DE</a> <a href="/it/">IT</a></div>
<header><h2>{esc(c.short)}</h2><nav>
<a href="/{lang}/">{"Accueil" if lang == "fr" else "Startseite"}</a>
<a href="/fr/prestations.html">Prestations</a> <a href="/fr/contact.html">Contact</a>
</nav></header>
<main>{body}</main>
<footer>{footer_text(c)}</footer></body></html>
""",
        )

    page(
        "fr/index.html",
        "fr",
        c.title,
        f"<h1>{esc(c.title)}</h1>"
        + "".join(f"<p>{esc(p)}</p>" for p in c.intro())
        + '<p><a href="/fr/brochure.pdf">Brochure (PDF)</a></p>',
        "/de/",
    )
    page(
        "fr/prestations.html",
        "fr",
        "Prestations",
        (
            f"<h1>Prestations</h1>{services_ul(c)}<h2>Pour "
            f"qui</h2><p>{esc(c.who())}</p><h2>Comment</h2><p>{esc(c.how())}</p>"
        ),
        "/de/",
    )
    page("fr/contact.html", "fr", "Contact", f"<h1>Contact</h1>{contact_dl(c)}", "/de/")
    labels = {"Adresse": "Adresse", "Téléphone": "Telefon", "E-mail": "E-Mail"}
    facts = "".join(f"<li>{labels[k]}: {v}</li>" for k, v in contact_rows(c) if k in labels)
    page(
        "de/index.html",
        "de",
        f"{c.title} – Deutsch",
        (
            f"<h1>{esc(c.title)}</h1><p>Diese Seite ist eine gekürzte deutsche Fassung. Die "
            "ausführlichen Informationen "
            "finden Sie auf den französischen Seiten.</p>" + f"<h2>Kontakt</h2><ul>{facts}</ul>"
        ),
        "/fr/",
    )
    tree.add("fr/brochure.pdf", brochure(c))
    tree.add(
        "_server.json",
        server_json(
            "bilingual: / → /fr/ (302), hreflang, German summary page; /it/ is broken",
            redirects={"/": {"to": "/fr/", "status": 302}},
        ),
    )
    return tree


def layout_news(c: Content) -> Tree:
    """News-heavy home, paginated news archive, a 410 archived item, sitemap with news."""
    tree = Tree()
    news = [
        *FICTIONAL_NEWS,
        (
            "2025-12-01",
            "Fermeture de fin d'année",
            "Les activités de groupe font une pause pendant les fêtes; "
            "les informations pratiques sont données sur la page de contact.",
        ),
        (
            "2025-06-15",
            "Fête de l'été",
            "Une fête conviviale a réuni membres, bénévoles et familles.",
        ),
    ]

    def page(path: str, title: str, body: str) -> None:
        url = "/" + path.removesuffix("index.html")
        tree.add(
            path,
            f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{esc(title)} – {esc(c.short)}</title>
<link rel="canonical" href="__ORIGIN__{esc(url)}"></head>
<body><div id="top"><span class="brand">{esc(c.title)}</span>
<ul class="menu"><li><a href="/">Accueil</a></li><li><a href="/infos/">Infos pratiques</a></li><li>
<a href="/actualites/">Toutes les actualités</a></li><li><a href="/contact/">Contact</a></li></ul>
</div>
<div id="main">{body}</div>
<div id="bottom">{footer_text(c)} · <a href="/newsletter/">Newsletter</a> ·
<a href="/suivez-nous/facebook">Facebook</a></div></body></html>
""",
        )

    def teaser(day: str, title: str, text: str) -> str:
        return (
            '<div class="teaser"><span '
            f'class="date">{day[8:10]}.{day[5:7]}.{day[:4]}</span><h3><a '
            f'href="/actualites/{slug(title)}/">{esc(title)}</a></h3><p>{esc(text[:80])}…</p></div>'
        )

    page(
        "index.html",
        "Accueil",
        "<h1>À la une</h1>"
        + "".join(teaser(*n) for n in news[:3])
        + f"<h2>Qui sommes-nous</h2><p>{esc(c.intro()[0])}</p>",
    )
    for day, title, text in news:
        page(
            f"actualites/{slug(title)}/index.html",
            title,
            (
                f"<h1>{esc(title)}</h1><p "
                f'class="date">{day}</p><p>{esc(text)}</p><p><em>{NEWS_NOTE}</em></p>'
            ),
        )
    page(
        "actualites/index.html",
        "Actualités",
        "<h1>Actualités</h1>"
        + "".join(teaser(*n) for n in news[:3])
        + '<nav class="pager"><a rel="next" href="/actualites/page/2/">Plus anciennes »</a></nav>',
    )
    page(
        "actualites/page/2/index.html",
        "Actualités – page 2",
        "<h1>Actualités (suite)</h1>"
        + "".join(teaser(*n) for n in news[3:])
        + (
            '<div class="teaser"><h3><a href="/actualites/fete-2019/">Fête '
            '2019</a></h3></div><nav class="pager"><a rel="prev" href="/actualites/">« Plus '
            "récentes</a></nav>"
        ),
    )
    page(
        "infos/index.html",
        "Infos pratiques",
        (
            "<h1>Infos "
            f"pratiques</h1>{services_sentence(c)}<h2>Public</h2><p>{esc(c.who())}</p>"
            f"<h2>Démarche</h2><p>{esc(c.how())}</p>"
        ),
    )
    page("contact/index.html", "Contact", f"<h1>Contact</h1>{contact_table(c)}")
    tree.add(
        "sitemap.xml",
        sitemap(
            [
                "/",
                "/infos/",
                "/contact/",
                "/actualites/",
                "/actualites/page/2/",
                *(f"/actualites/{slug(t)}/" for _, t, _ in news),
            ]
        ),
    )
    tree.add(
        "robots.txt", "User-agent: *\nDisallow: /newsletter/\nSitemap: __ORIGIN__/sitemap.xml\n"
    )
    tree.add(
        "_server.json",
        server_json(
            (
                "news: news-heavy; /actualites/fete-2019/ is 410; /newsletter/ disallowed and "
                "missing; /suivez-nous/facebook redirects (302) off-site"
            ),
            status={"/actualites/fete-2019/": 410},
            redirects={
                "/news/": "/actualites/",
                "/suivez-nous/facebook": {"to": "https://www.facebook.com/", "status": 302},
            },
        ),
    )
    return tree


def layout_scripted(c: Content) -> Tree:
    """Script-heavy pages with JSON-LD (facts of the record), <noscript>, a tracking pixel."""
    tree = Tree()
    ld: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": c.title,
    }
    if c.inst.phones:
        ld["telephone"] = c.inst.phones[0].number
    if c.inst.emails:
        ld["email"] = c.inst.emails[0]
    if c.inst.locations:
        loc = c.inst.locations[0]
        ld["address"] = {
            "@type": "PostalAddress",
            "addressLocality": loc.commune,
            **({"streetAddress": loc.street} if loc.street else {}),
            **({"postalCode": loc.postal_code} if loc.postal_code else {}),
        }
    json_ld = json.dumps(ld, ensure_ascii=False, sort_keys=True)

    def page(path: str, title: str, body: str) -> None:
        tree.add(
            path,
            f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{esc(title)}</title>
<script type="application/ld+json">{json_ld}</script>
<script>window.dataLayer=window.dataLayer||[];
function gtag(){{dataLayer.push(arguments)}}gtag('js',0);</script>
<script src="/static/app.3f9a1c.js" defer></script></head>
<body><noscript>
<p class="warning">Activez JavaScript pour profiter de toutes les fonctions du site.</p></noscript>
{cookie_banner(1)}
<div id="app" data-server-rendered="true"><div class="app-shell"><div class="app-nav">
<a href="/">Accueil</a><a href="/offre.html">Offre</a><a href="/journal.html">Journal</a>
<a href="/contact.html">Contact</a><a href="javascript:void(0)" onclick="openMenu()">Menu</a></div>
<div class="app-main">{body}</div></div></div>
<div class="app-footer">{footer_text(c)}</div>
<img src="/pixel.gif?p={slug(title)}" width="1" height="1" alt="">
</body></html>
""",
        )

    page(
        "index.html",
        c.title,
        f"<h1>{esc(c.title)}</h1>"
        + "".join(f"<p>{esc(p)}</p>" for p in c.intro())
        + '<p><a href="/static/brochure.pdf">Brochure</a></p>',
    )
    page(
        "offre.html",
        "Offre",
        (
            f"<h1>Offre</h1>{services_cards(c)}<p><strong>Pour qui:</strong> "
            f"{esc(c.who())}</p><p><strong>Comment:</strong> {esc(c.how())}</p>"
        ),
    )
    page("contact.html", "Contact", f"<h1>Contact</h1>{contact_divs(c)}")
    page(
        "journal.html",
        "Journal",
        "<h1>Journal</h1>"
        + "".join(
            f"<section><h2>{esc(t)}</h2><p>{d}: {esc(x)} <em>{NEWS_NOTE}</em></p></section>"
            for d, t, x in FICTIONAL_NEWS
        ),
    )
    tree.add("static/brochure.pdf", brochure(c))
    tree.add(
        "_server.json",
        server_json(
            (
                "scripted: script-heavy with JSON-LD Organization; /index.html → / (301); "
                "/static/app.3f9a1c.js and /pixel.gif are missing"
            ),
            redirects={"/index.html": "/"},
            headers={"*": {"Cache-Control": "no-cache", "X-Frame-Options": "DENY"}},
        ),
    )
    return tree


def layout_minimal(c: Content) -> Tree:
    """A bare site: lines with <br>, robots-excluded /prive/, a PDF-only information sheet."""
    tree = Tree()

    def page(path: str, title: str, body: str) -> None:
        tree.add(
            path,
            (
                f"<html><head><title>{esc(title)}</title><meta "
                f'charset="utf-8"></head>\n<body>\n{body}\n<hr>'
                f"\n<small>{footer_text(c)}</small>\n</body></html>\n"
            ),
        )

    themes = ", ".join(CATEGORY_LABELS[x] for x in c.inst.categories)
    page(
        "index.html",
        c.title,
        f"<h1>{esc(c.title)}</h1>\n<p>{esc(c.intro()[0])}</p>\n<p>Thèmes: {esc(themes)}</p>\n"
        '<p><a href="/infos.html">Infos</a> - <a href="/fiche-info.pdf">Fiche d\'information '
        '(PDF)</a> - <a href="/formulaire.doc">Formulaire</a> - <a href="/prive/">Espace '
        "membres</a></p>\n" + contact_lines(c),
    )
    page(
        "infos.html",
        "Infos",
        (
            f"<h1>Infos</h1>\n{services_ul(c)}\n<p>{esc(c.who())}</p>\n"
            f'<p>{esc(c.how())}</p>\n<p><a href="/">retour</a></p>'
        ),
    )
    page(
        "prive/index.html",
        "Membres",
        "<h1>Espace membres</h1><p>Procès-verbaux internes (page exclue par robots.txt).</p>",
    )
    tree.add("fiche-info.pdf", brochure(c))
    tree.add("robots.txt", "User-agent: *\nDisallow: /prive/\n")
    tree.add(
        "_server.json",
        server_json(
            (
                "minimal: /prive/ disallowed by robots.txt; /formulaire.doc is broken; /accueil "
                "→ / (301)"
            ),
            redirects={"/accueil": "/"},
        ),
    )
    return tree
