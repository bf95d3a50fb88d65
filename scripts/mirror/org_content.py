"""What an institution's mirror website says, independent of how a layout marks it up.

Facts come only from the institution record; the running text around them is written here in
generic words. News items are clearly fictional and carry no contact facts. Several renderers of
the same facts (table, definition list, divs, plain lines) let the layouts differ in structure.
"""

from __future__ import annotations

from dataclasses import dataclass

from html_kit import CATEGORY_LABELS, FOOTER_MARK, esc, language_label, phone_href, sentences

from ingest.records import Institution

#: Preferred institutions for the websites, matched as substrings of ids (first match wins).
PREFERRED = (
    "caritas-neuchatel",
    "csp-neuchatel",
    "croix-rouge",
    "pro-senectute",
    "pro-infirmis",
    "addiction-neuchatel",
    "savi-aide-aux-victimes",
    "centre-sante-sexuelle",
    "asloca",
    "cartons-du-coeur",
    "recif",
    "lire-et-ecrire",
    "alzheimer",
    "contre-le-cancer",
    "nomad",
    "procap",
    "medecins-du-monde",
    "aross",
)
#: How many institution websites the mirror holds (the issue asks for at least 12).
SITE_COUNT = 12

FICTIONAL_NEWS = (
    (
        "2026-03-14",
        "Assemblée générale annuelle",
        "Les membres se sont réunis pour l'assemblée générale. Le comité a présenté les comptes et "
        "remercié les bénévoles pour leur engagement tout au long de l'année.",
    ),
    (
        "2026-05-02",
        "Le rapport d'activité est en ligne",
        "Le rapport d'activité de l'année écoulée résume les demandes reçues et les projets menés. "
        "Il peut être consulté sur demande.",
    ),
    (
        "2026-09-20",
        "Appel aux bénévoles",
        "Nous cherchons des personnes prêtes à donner un peu de leur temps pour l'accueil et "
        "l'accompagnement. Aucune formation préalable n'est demandée.",
    ),
)
NEWS_NOTE = "Actualité fictive, générée pour les tests."


def national(number: str) -> str:
    """``+41 32 886 80 10`` → ``032 886 80 10`` (the same number as Swiss sites often print it)."""
    if number.startswith("+41 "):
        return "0" + number[4:]
    return number


@dataclass(frozen=True)
class Content:
    """The facts and texts of one institution site."""

    inst: Institution
    host: str

    @property
    def title(self) -> str:
        return self.inst.name

    @property
    def short(self) -> str:
        return self.inst.acronym or self.inst.name

    def intro(self) -> list[str]:
        """The description split in two paragraphs."""
        parts = sentences(self.inst.description)
        half = max(1, (len(parts) + 1) // 2)
        return [" ".join(parts[:half]), " ".join(parts[half:])] if len(parts) > 1 else parts

    def themes(self) -> str:
        return ", ".join(CATEGORY_LABELS[c].lower() for c in self.inst.categories)

    def who(self) -> str:
        if self.inst.eligibility:
            return self.inst.eligibility
        return f"Toute personne concernée par les thèmes suivants: {self.themes()}."

    def how(self) -> str:
        if self.inst.application:
            return self.inst.application
        return "Prenez contact avec nous par les moyens indiqués sur la page de contact."

    def area(self) -> str:
        return ", ".join(self.inst.service_area) if self.inst.service_area else ""


def _flag(c: Content, name: str) -> str:
    return " <em>(information à vérifier)</em>" if name in c.inst.unconfirmed else ""


def contact_rows(c: Content, *, national_format: bool = False) -> list[tuple[str, str]]:
    """(label, inner HTML) pairs of every filled contact fact."""
    inst = c.inst
    rows: list[tuple[str, str]] = []
    for loc in inst.locations:
        rows.append(("Adresse", esc(loc.one_line()) + _flag(c, "locations")))
    for phone in inst.phones:
        shown = national(phone.number) if national_format else phone.number
        label = f" ({esc(phone.label)})" if phone.label else ""
        rows.append(
            ("Téléphone", f'<a href="{esc(phone_href(phone.number))}">{esc(shown)}</a>{label}')
        )
    for mail in inst.emails:
        rows.append(("E-mail", f'<a href="mailto:{esc(mail)}">{esc(mail)}</a>'))
    if inst.hours:
        rows.append(("Horaires", esc(inst.hours) + _flag(c, "hours")))
    if inst.languages:
        rows.append(("Langues", esc(", ".join(language_label(x) for x in inst.languages))))
    if inst.fees:
        rows.append(("Tarifs", esc(inst.fees)))
    if inst.service_area:
        rows.append(("Région", esc(c.area())))
    return rows


def contact_table(c: Content) -> str:
    rows = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in contact_rows(c))
    return f'<table class="contact"><caption>Nous joindre</caption><tbody>{rows}</tbody></table>'


def contact_dl(c: Content) -> str:
    rows = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in contact_rows(c, national_format=True))
    return f'<dl class="coordonnees">{rows}</dl>'


def contact_divs(c: Content) -> str:
    rows = "".join(
        f'<div class="contact-item"><span class="icon icon-{k.lower()[:5]}" '
        'aria-hidden="true"></span>'
        f'<div class="contact-label">{k}</div><div class="contact-value">{v}</div></div>'
        for k, v in contact_rows(c)
    )
    return f'<div class="contact-grid">{rows}</div>'


def contact_lines(c: Content) -> str:
    lines = [f"<strong>{esc(c.title)}</strong>"] + [
        f"{k}: {v}" for k, v in contact_rows(c, national_format=True)
    ]
    return '<p class="adr">' + "<br>\n".join(lines) + "</p>"


def services_ul(c: Content) -> str:
    if not c.inst.services:
        return f"<p>Nos thèmes: {esc(c.themes())}.</p>"
    return (
        '<ul class="prestations">'
        + "".join(f"<li>{esc(s)}</li>" for s in c.inst.services)
        + "</ul>"
    )


def services_cards(c: Content) -> str:
    items = c.inst.services or [CATEGORY_LABELS[x] for x in c.inst.categories]
    cards = "".join(
        (
            '<div class="card"><div class="card-body"><h3 '
            f'class="card-title">{esc(s[:1].upper() + s[1:])}</h3></div></div>'
        )
        for s in items
    )
    return f'<div class="cards">{cards}</div>'


def services_sentence(c: Content) -> str:
    if not c.inst.services:
        return f"<p>Nous intervenons dans les domaines suivants: {esc(c.themes())}.</p>"
    return "<p>Concrètement, nous proposons: " + esc("; ".join(c.inst.services)) + ".</p>"


def brochure_paragraphs(c: Content) -> list[str]:
    """Text of the site's PDF brochure: description, offer, who, how."""
    paras = [*c.intro(), "", "Ce que nous proposons:"]
    paras += [f"- {s}" for s in c.inst.services] or [f"- {c.themes()}"]
    paras += ["", f"Pour qui: {c.who()}", f"Comment faire: {c.how()}"]
    for phone in c.inst.phones:
        paras.append(f"Téléphone: {national(phone.number)}")
    for mail in c.inst.emails:
        paras.append(f"E-mail: {mail}")
    for loc in c.inst.locations:
        paras.append(f"Adresse: {loc.one_line()}")
    return paras


def footer_text(c: Content) -> str:
    return f"© {esc(c.short)} · {esc(FOOTER_MARK)}"


def cookie_banner(style: int) -> str:
    """Consent banners as sites really ship them: text, buttons, sometimes a script."""
    if style == 0:
        return (
            '<div id="cookie-banner" class="cookie-banner" role="dialog"><p>Ce site utilise '
            "des cookies pour "
            "mesurer son audience. En poursuivant la navigation, vous acceptez leur "
            "utilisation.</p>"
            '<button type="button">Accepter</button> <button type="button">Refuser</button></div>'
        )
    if style == 1:
        return (
            '<div class="cc-window cc-banner"><span class="cc-message">Nous utilisons des cookies '
            'techniques et statistiques. <a class="cc-link" '
            'href="/protection-des-donnees/">En savoir plus</a>'
            '</span><a class="cc-btn cc-allow">OK</a></div>'
            '<script>document.querySelector(".cc-allow").onclick='
            "function(){this.parentNode.remove()};</script>"
        )
    return (
        '<aside id="consent" aria-label="Cookies"><h2>Vos préférences</h2><p>Cookies nécessaires, '
        "statistiques et marketing: choisissez ce que vous autorisez.</p><form><label><input "
        'type="checkbox" '
        'checked disabled> Nécessaires</label> <label><input type="checkbox"> Statistiques</label> '
        "<button>Enregistrer</button></form></aside>"
    )
