"""The two test intranets for professionals, behind a form login and behind HTTP basic auth.

Every page says loudly that it is FICTIONAL TEST CONTENT. Procedures come from
``intranet_texts``; institution names and contact facts come from the corpus records, so the
intranet never carries a phone number or address that the corpus does not hold.
"""

from __future__ import annotations

import re

from html_kit import FOOTER_MARK, PUBLISHED_AT, Tree, esc, json_text
from intranet_texts import BASIC_PAGES, GROUP_ORDER, PAGES, Block
from pdf_writer import write_pdf

from ingest.records import Institution

FICTION_BANNER = (
    "CONTENU FICTIF DE TEST – FICTIONAL TEST CONTENT. Procédures inventées pour tester "
    "Permanence; ne pas les appliquer dans la pratique."
)
_REF = re.compile(r"\{ref:([a-z0-9-]+)\}")


class _Refs:
    """Looks institutions up by id; a missing id yields a neutral label, never a made-up fact."""

    def __init__(self, insts: list[Institution]) -> None:
        self._by_id = {i.id: i for i in insts}

    def name(self, inst_id: str) -> str:
        inst = self._by_id.get(inst_id)
        return inst.name if inst else "le service compétent (voir le guide social)"

    def fill(self, text: str) -> str:
        return _REF.sub(lambda m: self.name(m.group(1)), text)

    def card(self, inst_id: str) -> str:
        inst = self._by_id.get(inst_id)
        if inst is None:
            return ""
        facts = [f"<li>Adresse: {esc(loc.one_line())}</li>" for loc in inst.locations]
        facts += [
            f"<li>Téléphone: {esc(p.number)}{' (' + esc(p.label) + ')' if p.label else ''}</li>"
            for p in inst.phones
        ]
        facts += [f"<li>E-mail: {esc(e)}</li>" for e in inst.emails]
        if inst.hours:
            facts.append(f"<li>Horaires: {esc(inst.hours)}</li>")
        return (
            '<div class="contact-reseau" '
            f'data-institution-id="{esc(inst.id)}"><h3>{esc(inst.name)}</h3>'
            f'<ul>{"".join(facts)}</ul><p class="source">Coordonnées reprises du guide '
            "social.</p></div>"
        )

    def gsr_table(self) -> str:
        rows = ""
        for inst in sorted(self._by_id.values(), key=lambda i: i.id):
            if not inst.id.startswith("gsr-"):
                continue
            communes = ", ".join(inst.service_area) or "(voir la fiche)"
            rows += f"<tr><td>{esc(inst.name)}</td><td>{esc(communes)}</td></tr>"
        return (
            '<table class="repartition"><thead><tr><th>Guichet</th><th>Communes</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>"
        )


def _blocks(blocks: tuple[Block, ...], refs: _Refs) -> str:
    out = []
    for kind, value in blocks:
        if kind in ("h2", "p") and isinstance(value, str):
            out.append(f"<{kind}>{esc(refs.fill(value))}</{kind}>")
        elif kind in ("ul", "ol") and isinstance(value, list):
            items = "".join(f"<li>{esc(refs.fill(str(v)))}</li>" for v in value)
            out.append(f"<{kind}>{items}</{kind}>")
        elif kind == "table" and isinstance(value, list):
            head, *rows = value
            cells = "".join(f"<th>{esc(h)}</th>" for h in head)
            body = "".join(
                "<tr>" + "".join(f"<td>{esc(refs.fill(c))}</td>" for c in row) + "</tr>"
                for row in rows
            )
            out.append(f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>")
        elif kind == "ref" and isinstance(value, str):
            out.append(refs.card(value))
        elif kind == "gsr_table":
            out.append(refs.gsr_table())
        else:
            raise ValueError(
                f"bad intranet block {kind!r}: use (h2|p, text), (ul|ol, [items]), "
                "(table, [(cell, cell), …]), (ref, institution id) or (gsr_table, '')"
            )
    return "\n".join(b for b in out if b)


def _plain(blocks: tuple[Block, ...], refs: _Refs) -> list[str]:
    lines: list[str] = []
    for kind, value in blocks:
        if kind in ("h2", "p"):
            lines.append(refs.fill(str(value)))
        elif kind in ("ul", "ol") and isinstance(value, list):
            lines += [f"- {refs.fill(str(v))}" for v in value]
    return lines


def _shell(title: str, body: str, *, space: str, logout: bool) -> str:
    # Logout is a POST form (as Django >= 5 requires): a crawler following links keeps its session.
    exit_link = (
        '<form class="logout" method="post" action="/logout"><button type="submit">'
        "Se déconnecter</button></form>"
        if logout
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>{esc(title)} – {esc(space)}</title></head>
<body>
<div class="fictif" role="note"><strong>{esc(FICTION_BANNER)}</strong></div>
<header><span class="espace">{esc(space)}</span> <nav>
<a href="/">Accueil</a> <a href="/documents/">Documents</a>
<a href="/actualites.html">Actualités</a> {exit_link}</nav>
</header>
<main>
{body}
</main>
<footer><p>{esc(FICTION_BANNER)}</p><p>{esc(FOOTER_MARK)}</p></footer>
</body>
</html>
"""


def build_intranet(insts: list[Institution]) -> Tree:
    """The form-login intranet: procedures, documents, news, login page."""
    refs = _Refs(insts)
    tree = Tree()
    space = "Intranet des professionnels (test)"
    groups = ""
    for group in GROUP_ORDER:
        links = "".join(
            f'<li><a href="/procedures/{p.slug}.html">{esc(p.title)}</a></li>'
            for p in PAGES
            if p.group == group
        )
        groups += f"<h2>{esc(group)}</h2><ul>{links}</ul>"
    tree.add(
        "index.html",
        _shell(
            "Accueil",
            (
                "<h1>Procédures internes</h1><p>Procédures d'orientation du réseau social "
                f"(toutes fictives).</p>{groups}"
            ),
            space=space,
            logout=True,
        ),
    )
    for page in PAGES:
        body = (
            f"<h1>{esc(page.title)}</h1>\n<p "
            f'class="rubrique">{esc(page.group)}</p>\n{_blocks(page.blocks, refs)}'
        )
        tree.add(f"procedures/{page.slug}.html", _shell(page.title, body, space=space, logout=True))
    checklist = next(p for p in PAGES if p.slug == "dossier-aide-sociale")
    tree.add(
        "documents/check-list-aide-sociale.pdf",
        write_pdf(
            "Check-list aide sociale (FICTIF)",
            [FICTION_BANNER, "", *_plain(checklist.blocks, refs)],
            footer=FOOTER_MARK,
        ),
    )
    tree.add(
        "documents/index.html",
        _shell(
            "Documents",
            (
                "<h1>Documents</h1><ul><li><a "
                'href="/documents/check-list-aide-sociale.pdf">Check-list aide sociale '
                "(PDF)</a></li>"
                '<li><a href="/documents/formulaire-F-12.pdf">Formulaire F-12 (en '
                "révision)</a></li></ul>"
            ),
            space=space,
            logout=True,
        ),
    )
    tree.add(
        "actualites.html",
        _shell(
            "Actualités",
            (
                "<h1>Actualités internes</h1><ul><li>Mise à jour fictive des procédures "
                "d'orientation: le tableau de "
                "répartition des offices a été relu.</li><li>Rappel fictif: les "
                "consentements à l'échange d'informations "
                "sont valables un an.</li></ul>"
            ),
            space=space,
            logout=True,
        ),
    )
    tree.add(
        "login.html",
        _shell(
            "Connexion",
            (
                '<h1>Connexion</h1><form method="post" action="/login"><input type="hidden" '
                'name="next" value="/">'
                '<label>Utilisateur <input name="username" autocomplete="username"></label> '
                '<label>Mot de passe <input name="password" type="password" '
                'autocomplete="current-password"></label> '
                '<button type="submit">Se connecter</button></form>'
            ),
            space=space,
            logout=False,
        ),
    )
    tree.add(
        "404.html", _shell("Introuvable", "<h1>Page introuvable</h1>", space=space, logout=True)
    )
    tree.add(
        "robots.txt",
        "# Search engines stay out; the Permanence crawler may index with credentials.\n"
        "User-agent: *\nDisallow: /\n\nUser-agent: Permanence\nAllow: /\n",
    )
    tree.add(
        "_server.json",
        json_text(
            {
                "description": (
                    "form-login intranet: POST /login (username, password, next) sets cookie "
                    "intranet_session"
                ),
                "last_modified": PUBLISHED_AT,
                "auth": {
                    "type": "form",
                    "login_path": "/login",
                    "logout_path": "/logout",
                    "login_page": "login.html",
                    "cookie": "intranet_session",
                    "user_env": "MIRROR_INTRANET_USER",
                    "password_env": "MIRROR_INTRANET_PASSWORD",
                    "public_paths": ["/robots.txt"],
                },
                "redirects": {"/procedures/": "/"},
            }
        ),
    )
    return tree


def build_intranet_basic(insts: list[Institution]) -> Tree:
    """The small partner intranet protected by HTTP basic auth."""
    refs = _Refs(insts)
    tree = Tree()
    space = "Réseau partenaires (test)"
    links = "".join(f'<li><a href="/{p.slug}.html">{esc(p.title)}</a></li>' for p in BASIC_PAGES)
    tree.add(
        "index.html",
        _shell(
            "Accueil",
            (
                f"<h1>Espace réseau</h1><ul>{links}</ul><p><a "
                'href="/documents/modele-orientation.pdf">Modèle de courrier d\'orientation '
                "(PDF)</a></p>"
            ),
            space=space,
            logout=False,
        ),
    )
    for page in BASIC_PAGES:
        tree.add(
            f"{page.slug}.html",
            _shell(
                page.title,
                f"<h1>{esc(page.title)}</h1>\n{_blocks(page.blocks, refs)}",
                space=space,
                logout=False,
            ),
        )
    tree.add(
        "documents/modele-orientation.pdf",
        write_pdf(
            "Modèle de courrier d'orientation (FICTIF)",
            [
                FICTION_BANNER,
                "",
                "Madame, Monsieur,",
                "",
                "Avec l'accord de la personne concernée, nous vous l'adressons pour la suite "
                "de sa démarche. "
                "Elle vous présentera elle-même sa situation. Les documents joints ont été "
                "réunis lors de notre entretien.",
                "",
                "Avec nos salutations.",
            ],
            footer=FOOTER_MARK,
        ),
    )
    tree.add(
        "documents/index.html",
        _shell(
            "Documents",
            (
                '<h1>Documents</h1><ul><li><a href="/documents/modele-orientation.pdf">Modèle de '
                "courrier</a></li></ul>"
            ),
            space=space,
            logout=False,
        ),
    )
    tree.add(
        "actualites.html",
        _shell(
            "Actualités",
            "<h1>Actualités</h1><p>Aucune actualité (espace de test fictif).</p>",
            space=space,
            logout=False,
        ),
    )
    tree.add(
        "_server.json",
        json_text(
            {
                "description": "partner intranet, HTTP basic auth (realm 'Reseau partenaires')",
                "last_modified": PUBLISHED_AT,
                "auth": {
                    "type": "basic",
                    "realm": "Reseau partenaires",
                    "user_env": "MIRROR_BASIC_USER",
                    "password_env": "MIRROR_BASIC_PASSWORD",
                },
            }
        ),
    )
    return tree
