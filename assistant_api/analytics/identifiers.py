"""Identifiers with a shape, in any language and script: numbers, e-mails, IBANs, dates, streets.

People write their phone number as "079 123 45 67", "+33 6 12 34 56 78", "0041791234567" or
in Arabic-Indic digits, and their e-mail as "jean arobase gmail point com". So numbers are not
matched by one pattern per national format: every run of digits (with the spaces, dots, dashes,
slashes and "(0)" people put between groups) is read whole and classified by its digits —
an AVS number, a phone number, a date, or any other long number (permit, passport, insurance,
client number). A half-matched number would leave its tail in the store, which is what the
issue found ("a German IBAN half-redacted").

Python's ``\\d`` matches every script's decimal digits (Arabic-Indic ``٠١٢``, Persian ``۰۱۲``,
full-width ``０``), and ``\\w`` every script's letters, so the same patterns hold for all 13
languages; the words that differ per language (months, street words, "at" and "dot") are listed.
"""

from __future__ import annotations

import re
import unicodedata

from assistant_api.analytics.spans import Span

__all__ = ["MIN_ID_DIGITS", "MIN_SPELLED_WORDS", "identifier_spans"]

#: A run of this many digits or more is personal (an ID, a client or permit number) even when it
#: is not a phone number. Amounts are left alone by ``_AMOUNT``; years and postcodes are shorter.
MIN_ID_DIGITS = 6
#: A run of number words ("zéro sept neuf …") is a spelled-out number from this many words.
MIN_SPELLED_WORDS = 3
#: Phone numbers: 9–13 digits from a leading 0 (Swiss 0XX XXX XX XX is 10), 8–15 after + or 00.
_NATIONAL_PHONE = range(9, 14)
_INTERNATIONAL_PHONE = range(8, 16)

# Separators people put between digit groups: one or two spaces, dots, dashes, slashes, or
# brackets ("+41 (0)79 …", "(032) 886 …").
_RUN = re.compile(r"(?<![\w+])(?:\+\s?|\()?\d+(?:(?:[\s.\-–/()]{1,3})\d+)*")
_DATE_RUN = re.compile(
    r"\d{1,2}\s?[./\-]\s?\d{1,2}\s?[./\-]\s?(?:\d{4}|\d{2})|\d{4}\s?[./\-]\s?\d{1,2}\s?[./\-]\s?\d{1,2}"
)
_YEAR_RANGE = re.compile(r"(?:19|20)\d{2}\s?[\-–/]\s?(?:19|20)\d{2}")
_CURRENCY = r"chf|fr\.|frs?\b|francs?|franken|franchi|francos|euros?|eur\b|€|\$|usd|dollars?|%"
_AMOUNT_AFTER = re.compile(rf"\s?(?:{_CURRENCY})", re.IGNORECASE)
_AMOUNT_BEFORE = re.compile(rf"(?:{_CURRENCY})\s?$", re.IGNORECASE)

_MONTHS = "|".join(
    (
        # fr, de, it, en, es, pt
        "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre",
        "novembre|décembre|decembre|januar|jänner|februar|märz|maerz|april|juni|juli|august",
        "oktober|dezember|gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre",
        "ottobre|dicembre|january|february|march|june|july|october|december|enero|febrero",
        "abril|mayo|junio|julio|septiembre|setiembre|octubre|noviembre|diciembre|janeiro",
        "fevereiro|março|marco|maio|junho|julho|setembro|outubro|dezembro",
        # sq, tr
        "janar|shkurt|prill|maj|qershor|korrik|gusht|shtator|tetor|nëntor|nentor|dhjetor",
        "ocak|şubat|subat|mart|nisan|mayıs|mayis|haziran|temmuz|ağustos|agustos|eylül|eylul",
        "ekim|kasım|kasim|aralık|aralik",
        # ru, uk (the genitive used after a day)
        "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря",
        "січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада",
        "грудня",
        # ar, fa (Gregorian and Persian months), ti
        "يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر",
        "نوفمبر|ديسمبر|ژانویه|فوریه|آوریل|ژوئن|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر",
        "فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|بهمن|اسفند",
        "ጥሪ|ለካቲት|መጋቢት|ሚያዝያ|ግንቦት|ሰነ|ሓምለ|ነሓሰ|መስከረም|ጥቅምቲ|ሕዳር|ታሕሳስ",
    )
)
_DATE_WORDS = (
    # "3 mai 1980", "1er janvier", "15. März 1990", "3rd of May 1980", "١٥ مارس ١٩٨٥"
    rf"\b\d{{1,2}}(?:er|re|st|nd|rd|th|º|ª|\.)?\s+(?:de\s+|of\s+)?(?:{_MONTHS})\b"
    r"(?:,?\s+(?:de\s+)?\d{4}\b)?",
    # "May 3, 1980", "March 3rd 1980"
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december)\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b",
)

# "at" and "dot" as people spell them out in the 13 languages, bare or in brackets.
_AT_WORDS = r"at|arobase|arrobase|arroba|chiocciola|ät|klammeraffe|собака|собачка|равлик"
_DOT_WORDS = r"dot|point|punkt|punto|ponto|точка|крапка|nokta|pikë|pika"
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_AT = rf"(?:\s?[@＠]\s?|\s*{_OPEN}\s*(?:{_AT_WORDS}|@)\s*{_CLOSE}\s*|\s+(?:{_AT_WORDS})\s+)"
_DOT = rf"(?:\s?\.\s?|\s*{_OPEN}\s*(?:{_DOT_WORDS}|\.)\s*{_CLOSE}\s*|\s+(?:{_DOT_WORDS})\s+)"
#: Top-level domains accepted after a spelled-out "dot" ("… point com"); after a real "@" any.
_TLDS = (
    r"com|ch|fr|net|org|de|it|info|eu|uk|ru|ua|es|pt|tr|al|ir|be|at|li|io|me|co|edu|gov"
    r"|biz|xk|er|et|sy|iq|af|ma|tn|dz|eg|us|ca|nl|lu"
)
# A real @, whatever follows it: "marie.dupont@example.ch", "jean @ gmail . com".
_EMAIL = re.compile(rf"[\w.+\-]+\s?[@＠]\s?[\w\-]+(?:{_DOT}[\w\-]+)*", re.IGNORECASE)
# Spelled out ("jean arobase gmail point com", "jean (at) gmx (dot) ch"): found from each "at"
# outwards; one pattern tried at every word of the text cost 0.2–0.5 ms a question on its own.
_SPELLED_AT = re.compile(_AT, re.IGNORECASE)
_SPELLED_DOMAIN = re.compile(rf"[\w\-]+(?:{_DOT}[\w\-]+)*?{_DOT}(?:{_TLDS})\b", re.IGNORECASE)
_SPELLED_LOCAL = re.compile(rf"[\w+\-]+(?:{_DOT}[\w+\-]+)*$", re.IGNORECASE)
#: Characters before an "at" searched for the local part of a spelled-out address.
_LOCAL_WINDOW = 64
# A social-media handle ("@jean_dupont"): a name as surely as an e-mail address.
_HANDLE = r"(?<![\w@])@[\w.]{3,}"

# An IBAN: two letters, two check digits, then up to 30 letters and digits, grouped by four or
# not. BBAN letters are capitals, which keeps a following lower-case word out of the match.
_IBAN = r"\b(?i:[a-z]{2})\s?\d{2}(?:[\s\-]?[A-Z0-9]{4}){2,7}(?:[\s\-]?[A-Z0-9]{1,3})?\b"
_AVS = r"\b756[.\s]?\d{4}[.\s]?\d{4}[.\s]?\d{2}\b"
# Passport, ID card and permit numbers: capitals then digits ("X1234567", "S 12345678"), or
# whatever follows "n°", "numéro", "Nr.", "номер", "رقم" … when it holds four digits or more.
_LETTERS_DIGITS = r"\b[A-Z]{1,2}\s?\d{6,9}\b"
_NUMBER_CUES = (
    r"n°|nº|no\.|nr\.|num\.|numéro|numero|número|nummer|number|номер|№|رقم|شماره|numara|numri"
)
_CUED_ID = re.compile(
    rf"(?i:{_NUMBER_CUES})\s*[:#]?\s*(?:(?i:de|du|d'|of|di|do|da)\s+\w+\s*[:#]?\s*)?"
    r"([A-Z0-9](?:[A-Z0-9.\-/ ]{2,22})[A-Z0-9])"
)

_STREETS = (
    r"rue|route|rte\.?|chemin|ch\.|avenue|av\.|boulevard|bd|quai|impasse|allée|allee|sentier"
    r"|faubourg|fbg\.?|ruelle|grand-rue|esplanade|crêt|via|viale|vicolo|calle|avenida|rua"
    r"|travessa|rruga|rr\.|sokak|sokağı|sok\.|cadde|caddesi|улиц[аеуы]|ул\.|вулиц[яіюі]|вул\."
    r"|проспект[аеу]?|пр\.|переул[оке]к?[аеу]?|провул[оке]к?[уа]?|شارع|خیابان|کوچه|ጎደና"
)
# Words that also mean something else ("une place en crèche"): a street only before a capital.
_WEAK_STREETS = r"place|passage|promenade|piazza|corso|strada|plaza|paseo|largo|praça|square"
# A number followed by one of these is an amount or a count, not a house number.
_NOT_HOUSE = (
    r"ans|an\b|enfants?|jours?|mois|semaines?|heures?|h\b|nuits?|personnes?|fois|francs?|fr\b"
    r"|chf|years?|kids?|children|days?|weeks?|months?|hours?|jahre|kinder|tage|wochen|monate"
    r"|anni|figli|giorni|años|hijos|días|anos|filhos|dias|%"
)
_HOUSE = rf"\d{{1,4}}[a-zA-Z]?\b(?!\s*(?i:{_NOT_HOUSE}))"
_ADDRESSES = (
    rf"\b(?i:{_STREETS})\s+(?:[\w'’.\-]+,?\s+){{0,4}}{_HOUSE}",
    rf"\b(?i:{_WEAK_STREETS})\s+(?:(?:de|du|des|la|le|l'|d'|di|del|della|of|the)\s+)*"
    rf"[A-ZÀ-Þ][\w'’\-]*(?:\s+[\w'’\-]+){{0,3}},?\s+{_HOUSE}",
    r"\b\d{1,4}[a-zA-Z]?,?\s+(?i:rue|route|chemin|avenue|boulevard|impasse|allée|via|rua|calle)"
    r"\s+(?:(?:de|du|des|la|le|l'|d'|di|del|da|do)\s+)*[\w'’\-]+",
    r"\b\d{1,4}\s+(?:[A-Z][\w'\-]+\s+){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Drive)\b",
    r"\b[\wäöüÄÖÜß\-]+(?i:strasse|straße|str\.|weg|gasse|platz|rain|allee|ring)\s*"
    r"\d{1,4}[a-zA-Z]?\b",
)

_DIGIT_WORDS = (
    r"zéro|zero|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize"
    r"|quatorze|quinze|seize|vingt|trente|quarante|cinquante|soixante|septante|huitante"
    r"|octante|nonante|cent|one|two|three|four|five|seven|eight|nine|ten|null|eins|zwei|drei"
    r"|vier|fünf|sechs|sieben|acht|neun|zehn|uno|due|tre|quattro|cinque|sette|otto|nove|dos"
    r"|tres|cuatro|cinco|seis|siete|ocho|nueve|um|dois|três|quatro|oito"
)
_SPELLED_NUMBER = re.compile(rf"\b(?:(?:{_DIGIT_WORDS}|\d{{1,3}})\b[\s,\-]*){{6,}}", re.IGNORECASE)
_DIGIT_WORD = re.compile(rf"\b(?:{_DIGIT_WORDS})\b", re.IGNORECASE)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AVS", re.compile(_AVS)),
    ("IBAN", re.compile(_IBAN)),
    ("ID", re.compile(_LETTERS_DIGITS)),
    ("HANDLE", re.compile(_HANDLE)),
    *(("DATE", re.compile(p, re.IGNORECASE)) for p in _DATE_WORDS),
    *(("ADDRESS", re.compile(p)) for p in _ADDRESSES),
)


def _digits(text: str) -> str:
    """The digits of ``text`` as ASCII digits, whatever their script ("٠٧٩" is "079")."""
    return "".join(str(unicodedata.decimal(c)) for c in text if c.isdecimal())


def _classify_run(text: str, match: re.Match[str]) -> str | None:
    """The label of one digit run, or ``None`` when it is not personal (an amount, a year)."""
    run = match.group().rstrip(" .-–/(")
    digits = _digits(run)
    if _DATE_RUN.fullmatch(run):
        return "DATE"
    if digits.startswith("756") and len(digits) == 13:
        return "AVS"
    international = run.startswith("+") or digits.startswith("00")
    if international and len(digits) in _INTERNATIONAL_PHONE:
        return "PHONE"
    if digits.startswith("0") and len(digits) in _NATIONAL_PHONE:
        return "PHONE"
    if len(digits) < MIN_ID_DIGITS or _YEAR_RANGE.fullmatch(run):
        return None
    after = text[match.start() + len(run) :]
    before = text[: match.start()]
    if _AMOUNT_AFTER.match(after) or _AMOUNT_BEFORE.search(before):
        return None
    return "PHONE" if international else "ID"


def _email_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    if "@" in text or "＠" in text:
        spans.extend(Span(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text))
    for at in _SPELLED_AT.finditer(text):
        domain = _SPELLED_DOMAIN.match(text, at.end())
        local = _SPELLED_LOCAL.search(text, max(0, at.start() - _LOCAL_WINDOW), at.start())
        if domain is not None and local is not None:
            spans.append(Span(local.start(), domain.end(), "EMAIL"))
    return spans


def _run_spans(text: str) -> list[Span]:
    spans = []
    for match in _RUN.finditer(text):
        label = _classify_run(text, match)
        if label is not None:
            end = match.start() + len(match.group().rstrip(" .-–/("))
            spans.append(Span(match.start(), end, label))
    return spans


def identifier_spans(text: str) -> list[Span]:
    """Spans of every identifier ``text`` holds, possibly overlapping (merged when replaced)."""
    spans = _run_spans(text) + _email_spans(text)
    for label, pattern in _PATTERNS:
        spans.extend(Span(m.start(), m.end(), label) for m in pattern.finditer(text))
    for match in _CUED_ID.finditer(text):
        if len(_digits(match.group(1))) >= 4:
            spans.append(Span(match.start(1), match.end(1), "ID"))
    if len(_DIGIT_WORD.findall(text)) < MIN_SPELLED_WORDS:
        return spans
    for match in _SPELLED_NUMBER.finditer(text):
        if len(_DIGIT_WORD.findall(match.group())) >= MIN_SPELLED_WORDS:
            value = match.group().rstrip(" ,-")
            spans.append(Span(match.start(), match.start() + len(value), "PHONE"))
    return spans
