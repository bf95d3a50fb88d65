"""Health and other sensitive situations are kept only as a theme, never as the person's words.

A redacted question still says "j'ai un cancer et je vis seule à Cernier" — a health condition
tied to a commune and a time, which a small commune can make personal. So when a question or a
comment names a health condition, an addiction, a disability, violence suffered or an emergency,
the analytics store keeps its theme, language and commune but not its text: the text is
replaced by :data:`WITHHELD`. The blind-spot report still counts those questions, by theme.
The theme stays the usual one (the answer's first institution, else the glossary's need), so
a withheld question adds nothing about the person beyond what any question adds.

A text is sensitive when any of these says so (``ThemeClassifier.is_sensitive``):

- it was answered as an emergency (theme ``urgence``);
- the glossary finds a need of one of :data:`SENSITIVE_THEMES` anywhere in it (not only the
  main one: "je ne peux plus travailler depuis ma dépression" is filed under work);
- it names a health condition of :data:`HEALTH_TERMS`, which lists what the glossary does not
  (diseases, treatments, care places) in the 13 languages.

Health insurance is a social insurance, not a condition: "assurance maladie", "Krankenkasse"
and the like are taken out before the glossary and the terms are looked at, so premium
questions keep their text. The glossary's triggers are written for search, where a loose match
costs little; here it withholds a few ordinary questions ("Er sucht Arbeit": "sucht" is also
addiction), which errs on the side of the person.
"""

from __future__ import annotations

import re

from permanence import fold

__all__ = [
    "HEALTH_TERMS",
    "SENSITIVE_THEMES",
    "WITHHELD",
    "names_health_condition",
    "without_health_insurance",
]

#: What the store keeps instead of a sensitive text.
WITHHELD = "<SENSITIVE>"
#: Needs whose questions are kept only as a theme (``urgence``: every emergency answer).
SENSITIVE_THEMES = frozenset(
    {"addiction", "handicap", "sante", "sante_mentale", "violence_victimes", "urgence"}
)

#: Word starts (Latin and Cyrillic, folded: lower case, no accents) or fragments (Arabic,
#: Persian and Ge'ez scripts, which attach prefixes to words) naming a health condition.
HEALTH_TERMS: tuple[str, ...] = (
    # fr
    "malad", "cancer", "tumeur", "diabet", "depressi", "psychiatr", "psycholog", "schizophr",
    "bipolai", "autis", "epilep", "alzheimer", "demence", "handicap", "invalidite", "enceinte",
    "grossesse", "avortement", "ivg", "vih", "sida", "hepatite", "tubercul", "sclerose",
    "paralys", "chimio", "dialyse", "hopital", "hospitalis", "medecin", "medicament", "therapi",
    "suicid", "alcool", "drogue", "toxicoman", "addict", "fauteuil roulant", "aveugle", "sourd",
    "trisomi", "burn-out", "burnout", "anorexi", "boulimi", "fausse couche", "cardiaque",
    "infarctus", "avc", "asthme", "seropositi",
    # de
    "krank", "krebs", "psychisch", "demenz", "behindert", "behinderung", "schwanger",
    "abtreib", "aids", "hepatitis", "suchtkrank", "suchtprob", "suchtberat", "spielsucht",
    "suizid", "selbstmord", "alkohol", "drogen",
    "spital", "arzt", "arztin", "medikament", "therapie", "chemo", "rollstuhl", "blind",
    "gehorlos", "magersucht", "fehlgeburt",
    # it
    "malat", "cancro", "tumore", "psichiatr", "epiless", "disabil", "incinta", "gravidanza",
    "aborto", "alcol", "droga", "ospedale", "farmac", "dialisi", "sedia a rotelle", "cieco",
    # en
    "sick", "illness", "disease", "tumor", "tumour", "anxiety", "bipolar", "dementia",
    "disabled", "pregnan", "abortion", "miscarriage", "hiv", "alcohol", "overdose", "hospital",
    "doctor", "drugs", "medication", "therapy", "dialysis", "wheelchair", "deaf", "mental health",
    "self-harm", "self harm",
    # pt, es
    "doenca", "doente", "psiquiatr", "gravida", "gravidez", "enfermedad", "enfermo", "enferma",
    "embaraz", "discapacid", "deficienc", "medico", "quimio", "dialisis", "hospitais",
    "cadeira de rodas", "silla de ruedas",
    # sq, tr
    "semund", "i semure", "kancer", "shtatzen", "vetevras", "alkool", "spital", "mjek",
    "hastalik", "hastane", "kanser", "diyabet", "depresyon", "psikiyatr", "otizm", "engelli",
    "hamile", "kurtaj", "intihar", "alkol", "uyusturucu", "ilac", "kemoterapi", "diyaliz",
    # ru, uk
    "болезн", "болен", "больн", "рак", "опухол", "диабет", "депресс", "психиатр", "шизофрен",
    "аутизм", "эпилеп", "деменц", "инвалид", "беремен", "аборт", "вич", "спид", "гепатит",
    "суицид", "самоубийств", "алкогол", "наркот", "врач", "лекарств", "химиотерап", "диализ",
    "хвор", "пухлин", "діабет", "депрес", "психіатр", "епілеп", "інвалід", "вагітн",
    "снід", "суїцид", "самогуб", "лікарн", "лікар", "ліки", "хіміотерап", "діаліз",
    # ar
    "مرض", "مريض", "سرطان", "السكري", "بالسكري", "اكتئاب", "فصام", "توحد", "صرع", "خرف",
    "إعاقة", "اعاقة",
    "معاق", "حامل", "إجهاض", "اجهاض", "الإيدز", "الايدز", "انتحار", "كحول", "مخدرات",
    "مستشفى", "طبيب", "دواء", "أدوية", "ادوية", "علاج", "كيماوي", "غسيل الكلى",
    # fa
    "بیماری", "بیمار", "دیابت", "افسردگی", "روانپزشک", "اسکیزوفرنی", "اوتیسم", "آلزایمر",
    "معلول", "باردار", "حاملگی", "ایدز", "خودکشی", "الکل", "مواد مخدر", "بیمارستان",
    "پزشک", "دکتر", "دارو", "درمان", "شیمی درمانی", "دیالیز",
    # ti
    "ሕማም", "ሕሙም", "መንሽሮ", "ኣእምሮ", "ጥንሲ", "ነፍሰ ጾር", "ኤድስ", "ቅትለት ርእሲ",
    "ሕክምና", "ሆስፒታል", "ሓኪም", "መድሃኒት", "ስንኩልና",
)  # fmt: skip

#: Health insurance named in the 13 languages: a social insurance, not a health condition.
_INSURANCE: tuple[str, ...] = (
    "assurance maladie", "assurance-maladie", "assurances maladie", "caisse maladie",
    "caisse-maladie", "caisses maladie", "krankenkass", "krankenversicherung",
    "health insurance", "medical insurance", "cassa malati", "assicurazione malattia",
    "seguro de saude", "seguro medico", "plano de saude", "seguro de salud",
    "sigurim shendetesor", "sigurimi shendetesor", "saglik sigorta", "медицинское страхов",
    "медицинская страхов", "медичне страхуванн", "медичного страхуванн", "تأمين صحي",
    "التأمين الصحي", "بیمه درمانی", "بیمه سلامت", "ውሕስና ጥዕና",
)  # fmt: skip
_CASED = re.compile(r"[a-zа-яіїєґ]")


def _compile_terms(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern: cased-script terms at a word start, the other scripts anywhere."""
    parts = sorted(
        ((rf"(?<!\w){re.escape(t)}" if _CASED.match(t) else re.escape(t)) for t in terms),
        key=len,
        reverse=True,
    )
    return re.compile("|".join(parts))


_TERMS = _compile_terms(tuple(fold(term) for term in HEALTH_TERMS))
# The rest of an insurance word goes too ("krankenkasse", "страхование").
_INSURANCE_WORDS = re.compile(
    rf"(?:{_compile_terms(tuple(fold(t) for t in _INSURANCE)).pattern})\w*"
)


def without_health_insurance(text: str) -> str:
    """``text`` folded, the names of health insurance taken out ("Krankenkasse" is not "krank")."""
    return _INSURANCE_WORDS.sub(" ", fold(text))


def names_health_condition(text: str) -> bool:
    """Does ``text`` name a health condition, treatment or care place (not health insurance)?"""
    return _TERMS.search(without_health_insurance(text)) is not None
