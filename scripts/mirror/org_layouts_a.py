"""Institution website layouts 0–5: each its own markup, URL scheme and kind of noise.

0 classic table site · 1 pretty URLs with definition lists · 2 nested div grid with a Latin-1 page
wrongly declared UTF-8 · 3 WordPress-like blog · 4 one-page site · 5 old table layout served as
ISO-8859-1 (correctly declared). What each site does is listed in its ``_server.json``
``description`` and in ``corpora/sites/README.md``.
"""

from __future__ import annotations

from html_kit import FOOTER_MARK, PUBLISHED_AT, Tree, esc, json_text, slug
from org_content import (
    FICTIONAL_NEWS,
    NEWS_NOTE,
    Content,
    brochure_paragraphs,
    contact_divs,
    contact_dl,
    contact_lines,
    contact_table,
    cookie_banner,
    footer_text,
    services_cards,
    services_sentence,
    services_ul,
)
from pdf_writer import write_pdf


def server_json(description: str, **extra: object) -> str:
    """``_server.json`` of a layout; ``description`` starts with ``<layout>:``."""
    layout = description.split(":", 1)[0]
    return json_text(
        {"description": description, "layout": layout, "last_modified": PUBLISHED_AT, **extra}
    )


def brochure(c: Content) -> bytes:
    return write_pdf(
        f"{c.title} – présentation", brochure_paragraphs(c), footer=FOOTER_MARK, author=c.short
    )


def sitemap(paths: list[str]) -> str:
    rows = "".join(
        f"<url><loc>__ORIGIN__{esc(p)}</loc><lastmod>2026-11-01</lastmod></url>\n" for p in paths
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{rows}</urlset>\n"
    )


def layout_classic(c: Content) -> Tree:
    """Table for contact facts, .html pages, canonical links, sitemap, PDF brochure."""
    tree = Tree()
    nav = (
        '<ul id="menu"><li><a href="/index.html">Accueil</a></li><li><a '
        'href="/prestations.html">Prestations</a></li>'
        '<li><a href="/actualites/">Actualités</a></li><li><a '
        'href="/contact.html">Contact</a></li></ul>'
    )

    def page(path: str, title: str, body: str) -> None:
        canonical = "/" if path == "index.html" else "/" + path.removesuffix("index.html")
        tree.add(
            path,
            f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="UTF-8"><title>{esc(title)} | {esc(c.short)}</title>
<link rel="canonical" href="__ORIGIN__{esc(canonical)}"></head>
<body>{cookie_banner(0)}
<div id="header"><div class="logo">{esc(c.title)}</div>{nav}</div>
<div id="content">{body}</div>
<div id="footer"><p>{footer_text(c)}</p><p>
<a href="/documents/rapport-2023.pdf">Rapport 2023 (PDF)</a></p></div>
</body></html>
""",
        )

    intro = "".join(f"<p>{esc(p)}</p>" for p in c.intro())
    page(
        "index.html",
        "Accueil",
        (
            f'<h1>{esc(c.title)}</h1>{intro}<p><a href="/documents/brochure.pdf">Télécharger '
            "notre brochure (PDF)</a></p>"
        ),
    )
    page(
        "prestations.html",
        "Prestations",
        (
            f"<h1>Nos prestations</h1>{services_ul(c)}<h2>Pour "
            f"qui?</h2><p>{esc(c.who())}</p><h2>Comment faire?</h2><p>{esc(c.how())}</p>"
        ),
    )
    page("contact.html", "Contact", f"<h1>Contact</h1>{contact_table(c)}")
    items = ""
    for day, title, text in FICTIONAL_NEWS:
        page(
            f"actualites/{slug(title)}.html",
            title,
            (
                f"<h1>{esc(title)}</h1><p "
                f'class="date">{day}</p><p>{esc(text)}</p><p><em>{NEWS_NOTE}</em></p>'
            ),
        )
        items += (
            f'<li><a href="/actualites/{slug(title)}.html">{esc(title)}</a> <span '
            f'class="date">{day}</span></li>'
        )
    page("actualites/index.html", "Actualités", f'<h1>Actualités</h1><ul class="news">{items}</ul>')
    tree.add("documents/brochure.pdf", brochure(c))
    tree.add("robots.txt", "User-agent: *\nDisallow:\n\nSitemap: __ORIGIN__/sitemap.xml\n")
    tree.add(
        "sitemap.xml",
        sitemap(
            [
                "/",
                "/prestations.html",
                "/contact.html",
                "/actualites/",
                *(f"/actualites/{slug(t)}.html" for _, t, _ in FICTIONAL_NEWS),
            ]
        ),
    )
    tree.add(
        "_server.json",
        server_json(
            (
                "classic: table contact, canonical links, sitemap, brochure PDF, broken "
                "/documents/rapport-2023.pdf"
            ),
            redirects={"/contact.php": "/contact.html"},
        ),
    )
    return tree


def layout_pretty(c: Content) -> Tree:
    """Folder URLs, definition lists, a 410 news item, a cookie banner linking to a missing page."""
    tree = Tree()
    menu = [
        ("/", "Accueil"),
        ("/prestations/", "Prestations"),
        ("/a-propos/", "Qui sommes-nous"),
        ("/actualites/", "Actualités"),
        ("/contact/", "Contact"),
    ]
    nav = "".join(f'<a class="nav-link" href="{u}">{t}</a>' for u, t in menu)

    def page(path: str, title: str, body: str) -> None:
        tree.add(
            path,
            f"""<!doctype html>
<html lang="fr-CH">
<head>
  <meta charset="utf-8">
  <title>{esc(c.short)} – {esc(title)}</title>
  <meta name="description" content="{esc(c.intro()[0][:150])}">
</head>
<body class="page">
  <nav class="top">{nav}</nav>
  <article class="main">
{body}
  </article>
  {cookie_banner(1)}
  <footer><small>{footer_text(c)} · <a href="/mentions-legales/">Mentions légales</a></small>
</footer>
</body>
</html>
""",
        )

    page(
        "index.html",
        "Bienvenue",
        (
            f'<h1>Bienvenue</h1><p>{esc(c.intro()[0])}</p><p><a href="/prestations/">Découvrir '
            "nos prestations</a></p>"
        ),
    )
    page(
        "prestations/index.html",
        "Prestations",
        (
            "<h1>Ce que nous "
            f"proposons</h1>{services_ul(c)}<dl><dt>Public</dt><dd>{esc(c.who())}</dd>"
            f"<dt>Démarche</dt><dd>{esc(c.how())}</dd></dl>"
        ),
    )
    page(
        "a-propos/index.html",
        "Qui sommes-nous",
        "<h1>Qui sommes-nous</h1>" + "".join(f"<p>{esc(p)}</p>" for p in c.intro()),
    )
    page("contact/index.html", "Contact", f"<h1>Nous contacter</h1>{contact_dl(c)}")
    page(
        "mentions-legales/index.html",
        "Mentions légales",
        f"<h1>Mentions légales</h1><p>Ce site est une copie de test. {esc(FOOTER_MARK)}.</p>",
    )
    items = ""
    for day, title, text in FICTIONAL_NEWS:
        page(
            f"actualites/{slug(title)}/index.html",
            title,
            (
                f"<h1>{esc(title)}</h1><time "
                f'datetime="{day}">{day}</time><p>{esc(text)}</p><p><em>{NEWS_NOTE}</em></p>'
            ),
        )
        items += f'<li><a href="/actualites/{slug(title)}/">{esc(title)}</a></li>'
    items += '<li><a href="/actualites/ancien-projet/">Un ancien projet (archive)</a></li>'
    page("actualites/index.html", "Actualités", f"<h1>Actualités</h1><ul>{items}</ul>")
    tree.add("robots.txt", "User-agent: *\nAllow: /\n")
    tree.add(
        "_server.json",
        server_json(
            (
                "pretty: folder URLs, definition lists; /actualites/ancien-projet/ is 410; "
                "cookie banner links to a 404"
            ),
            redirects={"/nous-contacter/": "/contact/"},
            status={"/actualites/ancien-projet/": 410},
        ),
    )
    return tree


def layout_grid(c: Content) -> Tree:
    """Deeply nested div grid; one page is Latin-1 bytes but declared UTF-8 (header and meta)."""
    tree = Tree()

    def shell(title: str, body: str) -> str:
        return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(title)} - {esc(c.short)}</title>
<script src="/js/vendor.min.js"></script></head>
<body><div class="wrapper"><div class="container">{cookie_banner(2)}
<div class="row"><div class="col-12"><div class="navbar">
<a href="/">Accueil</a> | <a href="/services.html">Services</a> | <a href="/news.html">News</a> |
<a href="/a-propos/histoire.html">Histoire</a> | <a href="/contact.html">Contact</a> |
<a href="/equipe.html">Équipe</a>
</div></div></div>
<div class="row"><div class="col-md-8"><div class="content-area"><div class="inner">{body}</div>
</div></div>
<div class="col-md-4"><div class="sidebar"><div class="widget"><h4>Flyer</h4>
<a href="/files/flyer.pdf">Notre flyer (PDF)</a></div></div></div></div>
<div class="row"><div class="col-12"><div class="footer-bottom">{footer_text(c)}</div></div></div>
</div></div></body></html>
"""

    tree.add(
        "index.html",
        shell(
            "Accueil",
            f'<div class="hero"><h1>{esc(c.title)}</h1></div><div class="text">'
            + "".join(f"<p>{esc(p)}</p>" for p in c.intro())
            + "</div>",
        ),
    )
    tree.add(
        "services.html",
        shell(
            "Services",
            (
                f'<h1>Services</h1>{services_cards(c)}<div class="box"><div '
                'class="box-title">Pour qui</div><div '
                f'class="box-body">{esc(c.who())}</div></div><div class="box"><div '
                'class="box-title">Marche à suivre</div><div '
                f'class="box-body">{esc(c.how())}</div></div>'
            ),
        ),
    )
    tree.add("contact.html", shell("Contact", f"<h1>Contact</h1>{contact_divs(c)}"))
    news = "".join(
        (
            f'<div class="news-item"><div class="news-date">{d}</div><div '
            f'class="news-title">{esc(t)}</div><div class="news-text">{esc(x)} '
            f"<em>{NEWS_NOTE}</em></div></div>"
        )
        for d, t, x in FICTIONAL_NEWS
    )
    tree.add("news.html", shell("News", f"<h1>News</h1>{news}"))
    history = shell(
        "Notre histoire",
        (
            f"<h1>Notre histoire</h1><p>{esc(c.title)} est née de l'engagement de personnes "
            "soucieuses de "
            "l'accès de chacune et chacun à l'aide dont il a besoin. Depuis, l'équipe s'est "
            "étoffée et "
            "les activités se sont développées au fil des années.</p><p>Cette page est "
            "enregistrée en ISO-8859-1 "
            "mais déclarée en UTF-8 (défaut volontaire du miroir de test).</p>"
        ),
    )
    tree.add("a-propos/histoire.html", history.encode("iso-8859-1", errors="xmlcharrefreplace"))
    tree.add("files/flyer.pdf", brochure(c))
    tree.add(
        "_server.json",
        server_json(
            (
                "grid: nested divs; /a-propos/histoire.html is Latin-1 bytes declared UTF-8; "
                "/equipe.html is a broken link"
            ),
            redirects={"/home": {"to": "/", "status": 302}},
            headers={"/a-propos/histoire.html": {"Content-Type": "text/html; charset=utf-8"}},
        ),
    )
    return tree


def layout_blog(c: Content) -> Tree:
    """A WordPress-like site: dated permalinks, RSS feed, sitemap index, entry-content wrappers."""
    tree = Tree()
    menu = (
        '<ul id="menu-principal" class="menu"><li class="menu-item"><a href="/">Accueil</a></li>'
        '<li class="menu-item"><a href="/prestations/">Prestations</a></li><li class="menu-item">'
        '<a href="/category/actualites/">Actualités</a></li><li class="menu-item"><a '
        'href="/contact/">Contact</a></li></ul>'
    )

    recent = "".join(
        f'<li><a href="/2026/{d[5:7]}/{slug(t)}/">{esc(t)}</a></li>' for d, t, _ in FICTIONAL_NEWS
    )

    def page(path: str, title: str, body: str, kind: str = "page") -> None:
        url = "/" + path.removesuffix("index.html")
        tree.add(
            path,
            f"""<!DOCTYPE html>
<html lang="fr-FR" class="no-js">
<head>
<meta charset="UTF-8">
<meta name="generator" content="WordPress 6.4">
<title>{esc(title)} &#8211; {esc(c.short)}</title>
<link rel="canonical" href="__ORIGIN__{esc(url)}">
<link rel="alternate" type="application/rss+xml" title="Flux" href="/feed.xml">
<style id="wp-custom-css">.site-header{{background:#fff}}</style>
</head>
<body class="{kind}-template-default {kind}">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Aller au contenu</a>
<header id="masthead" class="site-header"><p class="site-title">
<a href="/" rel="home">{esc(c.title)}</a></p>
<nav id="site-navigation" class="main-navigation">{menu}</nav></header>
<div id="primary" class="content-area"><main id="main" class="site-main">
<article class="{kind} type-{kind} status-publish hentry"><header class="entry-header">
<h1 class="entry-title">{esc(title)}</h1></header>
<div class="entry-content">
{body}
</div></article>
</main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries">
<h2 class="widget-title">Articles récents</h2>
<ul>{recent}</ul>
</section></aside>
<footer id="colophon" class="site-footer">
<div class="site-info">{footer_text(c)} · Fièrement propulsé par WordPress</div></footer>
</div>
</body></html>
""",
        )

    page(
        "index.html",
        c.title,
        "".join(f'<p class="wp-block-paragraph">{esc(p)}</p>' for p in c.intro()),
    )
    page(
        "prestations/index.html",
        "Prestations",
        (
            f'<div class="wp-block-group">{services_ul(c)}</div><h2 class="wp-block-heading">Qui '
            f"peut s'adresser à nous?</h2><p>{esc(c.who())}</p><h2 "
            f'class="wp-block-heading">Faire une demande</h2><p>{esc(c.how())}</p><p><a '
            'href="/wp-content/uploads/2019/formulaire.pdf">Formulaire (PDF)</a></p>'
        ),
    )
    page("contact/index.html", "Contact", contact_lines(c))
    listing = ""
    feed_items = ""
    for day, title, text in FICTIONAL_NEWS:
        path = f"2026/{day[5:7]}/{slug(title)}/index.html"
        page(
            path,
            title,
            (
                '<p class="posted-on"><time class="entry-date published" '
                f'datetime="{day}T08:00:00+01:00">{day}</time></p>'
                f"<p>{esc(text)}</p><p><em>{NEWS_NOTE}</em></p>"
            ),
            kind="post",
        )
        listing += (
            '<article class="post"><h2 class="entry-title"><a '
            f'href="/{path.removesuffix("index.html")}">{esc(title)}</a></h2><div '
            f'class="entry-summary"><p>{esc(text[:90])} […]</p></div></article>'
        )
        link = "__ORIGIN__/" + path.removesuffix("index.html")
        feed_items += (
            f"<item><title>{esc(title)}</title><link>{link}</link><pubDate>{day}</pubDate>"
            f"<description>{esc(text)}</description></item>\n"
        )
    page("category/actualites/index.html", "Actualités", listing, kind="archive")
    tree.add(
        "feed.xml",
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss '
            f'version="2.0"><channel><title>{esc(c.title)}</title><link>__ORIGIN__/</link>'
            f"\n{feed_items}</channel></rss>\n"
        ),
    )
    tree.add(
        "sitemap_index.xml",
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            "<sitemap><loc>__ORIGIN__/page-sitemap.xml</loc>"
            "<lastmod>2026-11-01</lastmod></sitemap>\n"
            "<sitemap><loc>__ORIGIN__/post-sitemap.xml</loc><lastmod>2026-09-20</lastmod></sitemap>\n"
            "</sitemapindex>\n"
        ),
    )
    tree.add("page-sitemap.xml", sitemap(["/", "/prestations/", "/contact/"]))
    tree.add(
        "post-sitemap.xml",
        sitemap(
            [f"/2026/{d[5:7]}/{slug(t)}/" for d, t, _ in FICTIONAL_NEWS] + ["/category/actualites/"]
        ),
    )
    tree.add(
        "robots.txt",
        (
            "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\nSitemap: "
            "__ORIGIN__/sitemap_index.xml\n"
        ),
    )
    tree.add(
        "_server.json",
        server_json(
            (
                "blog: WordPress-like, dated permalinks, RSS feed, sitemap index; "
                "/wp-content/uploads/2019/formulaire.pdf is broken"
            ),
            redirects={"/news/": "/category/actualites/", "/blog/": "/category/actualites/"},
        ),
    )
    return tree


def layout_onepage(c: Content) -> Tree:
    """Everything on one long page with anchors; news as a section; a redirect to a fragment."""
    tree = Tree()
    news = "".join(
        f"<li><h3>{esc(t)}</h3><p>{d} – {esc(x)} <em>{NEWS_NOTE}</em></p></li>"
        for d, t, x in FICTIONAL_NEWS
    )
    body = f"""<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>{esc(c.title)}</title>
<meta property="og:title" content="{esc(c.title)}"><meta property="og:type" content="website">
</head>
<body>
<header class="hero"><h1>{esc(c.title)}</h1>
<nav>
<a href="#qui">Qui sommes-nous</a> · <a href="#offre">Notre offre</a> ·
<a href="#demande">Demande</a> · <a href="#actualites">Actualités</a> ·
<a href="#contact">Contact</a> · <a href="/galerie.html">Galerie</a>
</nav></header>
<section id="qui"><h2>Qui sommes-nous</h2>{"".join(f"<p>{esc(p)}</p>" for p in c.intro())}</section>
<section id="offre"><h2>Notre offre</h2>{services_sentence(c)}<p>Public: {esc(c.who())}</p>
</section>
<section id="demande"><h2>Faire une demande</h2><p>{esc(c.how())}</p><p>
<a href="/docs/depliant.pdf">Dépliant (PDF)</a></p></section>
<section id="actualites"><h2>Actualités</h2><ul>{news}</ul></section>
<section id="contact"><h2>Contact</h2>{contact_lines(c)}</section>
<footer><p>{footer_text(c)} · <a href="/mentions.html">Mentions</a></p></footer>
</body></html>
"""
    tree.add("index.html", body)
    tree.add(
        "mentions.html",
        (
            '<!DOCTYPE html><html lang="fr"><head><meta '
            'charset="utf-8"><title>Mentions</title></head><body><h1>Mentions</h1><p>Site de '
            f'test. <a href="/">Retour</a></p><footer>{footer_text(c)}</footer></body></html>\n'
        ),
    )
    tree.add("docs/depliant.pdf", brochure(c))
    tree.add(
        "_server.json",
        server_json(
            (
                "onepage: one page with anchors; /contact redirects (302) to /#contact; "
                "/galerie.html is broken"
            ),
            redirects={"/contact": {"to": "/#contact", "status": 302}, "/contact/": "/#contact"},
        ),
    )
    return tree


def layout_latin1(c: Content) -> Tree:
    """An old table-layout site entirely in ISO-8859-1, declared so in header and meta."""
    tree = Tree()
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    nav = (
        '<td class="menu" width="160" valign="top"><a href="/">Accueil</a><br><a '
        'href="/prestations.htm">Prestations</a><br>'
        '<a href="/historique.htm">Historique</a><br><a '
        'href="/contact.htm">Contact</a><br><a href="/plan.htm">Plan du site</a><br>'
        '<a href="/ancien-site.htm">Ancien site</a></td>'
    )

    def page(path: str, title: str, body: str) -> None:
        text = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head>{meta}<title>{esc(c.short)} - {esc(title)}</title></head>
<body bgcolor="#ffffff"><table width="760" border="0" cellpadding="4" cellspacing="0">
<tr><td colspan="2" class="bandeau"><font size="5"><b>{esc(c.title)}</b></font></td></tr>
<tr>{nav}<td valign="top">{body}</td></tr>
<tr><td colspan="2" align="center"><font size="1">{footer_text(c)}</font></td></tr>
</table></body></html>
"""
        tree.add(path, text.encode("iso-8859-1", errors="xmlcharrefreplace"))

    page(
        "index.html",
        "Accueil",
        f"<h1>{esc(c.title)}</h1>" + "".join(f"<p>{esc(p)}</p>" for p in c.intro()),
    )
    rows = "".join(
        f'<tr><td valign="top">&bull;</td><td>{esc(s)}</td></tr>' for s in c.inst.services
    )
    page(
        "prestations.htm",
        "Prestations",
        (
            f"<h2>Prestations</h2><table>{rows}</table><p><b>Pour qui:</b> "
            f"{esc(c.who())}</p><p><b>Démarche:</b> {esc(c.how())}</p>"
        ),
    )
    page(
        "historique.htm",
        "Historique",
        (
            f"<h2>Historique</h2><p>Depuis sa création, {esc(c.title)} a adapté ses activités "
            "aux besoins de la population. Les étapes détaillées figurent dans les rapports "
            "annuels.</p>"
        )
        + "".join(
            f"<p><i>{d[:4]}</i> &ndash; {esc(t)} ({NEWS_NOTE})</p>" for d, t, _ in FICTIONAL_NEWS
        ),
    )
    page("contact.htm", "Contact", f"<h2>Contact</h2>{contact_table(c)}")
    tree.add(
        "ancien-site.htm",
        '<html><head><meta http-equiv="refresh" content="0; url=/contact.htm">'
        "<title>Redirection</title></head><body><p>Notre site a déménagé: "
        '<a href="/contact.htm">suivre ce lien</a>.</p>'
        f"<p>{esc(FOOTER_MARK)}</p></body></html>\n".encode(
            "iso-8859-1", errors="xmlcharrefreplace"
        ),
    )
    latin = "text/html; charset=iso-8859-1"
    tree.add(
        "_server.json",
        server_json(
            (
                "latin1: old table layout, every page ISO-8859-1 declared in header and meta; "
                "/plan.htm is broken; /ancien-site.htm is a meta-refresh redirect (charset "
                "only in the header)"
            ),
            redirects={"/index.htm": "/", "/accueil.htm": "/"},
            headers={
                p: {"Content-Type": latin}
                for p in (
                    "/",
                    "/index.html",
                    "/prestations.htm",
                    "/historique.htm",
                    "/contact.htm",
                    "/ancien-site.htm",
                )
            },
        ),
    )
    return tree
