"""Personal names without a model, in Latin, Cyrillic, Arabic, Persian and Ge'ez script.

A name has no shape, so the regex redactor relies on what surrounds it or on the name itself:

1. A cue that introduces a name, in the 13 languages: "je m'appelle", "my name is",
   "ich heiße", "اسمي", "меня зовут", "نام من", "ስመይ" …; a title ("Madame", "Herr", "السيدة",
   "آقای", "ኣቶ"); or a closing at the end of a comment ("Cordialement, Marie Dupont").
2. A common first name (``_FIRST_NAMES``), with the surname that follows it: a capitalised word
   in cased scripts; a gazetteer name, an "ال…" word or a Persian "-ی" surname in Arabic
   script; a gazetteer name or a compound such as "ገብረ…" (Gebre-) in Ge'ez script.
3. A capitalised Cyrillic word with a surname ending (-енко, -чук, -ова …).

Arabic, Persian and Ge'ez scripts have no capitals, so there the first word after a cue is
the name and the next ones continue it only when they look like surnames. Names that are also
ordinary words ("نور" is light, "ሰላም" peace) count only next to another name or after a cue
(``_WEAK``).
Presidio adds spaCy's guesses for Latin-script names that none of these rules see.
"""

from __future__ import annotations

import re

from assistant_api.analytics.spans import Span

__all__ = ["model_name_span", "name_spans"]

#: Words a name may hold after its first one (beyond it: the rest of the sentence).
MAX_NAME_WORDS = 3

_CUES = (
    # fr
    r"je m'appelle|je m’appelle|j'm'appelle|mon nom est|mon nom c'est|mon prénom est"
    r"|mon prénom c'est|moi c'est|je me nomme|"
    # de, it, en
    r"ich heiße|ich heisse|mein name ist|mein vorname ist|mein nachname ist|mi chiamo"
    r"|il mio nome è|il mio nome e|my name is|my name's|i am called|i'm called|"
    # pt, es, sq, tr
    r"chamo-me|me chamo|meu nome é|meu nome e|me llamo|mi nombre es|quhem|emri im është"
    r"|emri im eshte|emri im|benim adım|benim adim|benim ismim|ismim|adım|"
    # ru, uk
    r"меня зовут|меня звать|моё имя|мое имя|моя фамилия|мене звати|мене звуть|моє ім'я"
    r"|моє ім’я|моє прізвище|"
    # ar, fa, ti
    r"اسمي|إسمي|اسمى|أنا اسمي|اسم من|نام من|اسمم|ስመይ|ሽመይ"
)
_TITLES = (
    r"madame|monsieur|mademoiselle|mme|mlle|m\.|docteur|dr\.?|frau|herr|signora|signore|signor"
    r"|sig\.|sig\.ra|señora|señor|sra\.|sr\.|doña|senhora|senhor|mrs\.?|mr\.?|ms\.?|mister"
    r"|господин|госпожа|пан|пані|zonja|zoti|السيد|السيدة|الأستاذ|آقای|خانم|ኣቶ|ወይዘሮ|ወ/ሮ"
)
# Titles that are also ordinary words ("I miss Paris", "a bay"): titles only when capitalised.
_CAPITALISED_TITLES = r"Miss|Bay|Bayan|Dona"
_CLOSINGS = (
    r"cordialement|salutations|bien à vous|merci|meilleures salutations|best regards"
    r"|kind regards|regards|thanks|thank you|mit freundlichen grüssen|mit freundlichen grüßen"
    r"|freundliche grüsse|grüsse|grüße|saluti|cordiali saluti|grazie|saludos|atentamente"
    r"|gracias|atenciosamente|obrigada|obrigado|с уважением|спасибо|з повагою|дякую|شكرا"
    r"|شكراً|مع التحية|با تشکر|ممنون|faleminderit|teşekkürler|saygılarımla|የቐንየለይ"
)


def _words(block: str) -> frozenset[str]:
    """The words of a block of text (the lists below are easier to read as prose)."""
    return frozenset(block.split())


# Words that end a name after a cue (the sentence goes on). Latin and Cyrillic in lower case.
_STOP = _words(
    """
    et and und e ed y i ou or oder o je j'ai jai ich io eu yo me mi my ma mon mes moi
    mais but aber pero mas ma am is est suis bin sono soy sou habe ho tengo tenho have ai
    from aus da di de du des la le les of the a à au en in im ist war was sind et dhe ve
    ile ben ja я и і та а но но але мне мені у в из з це это من و از در به با که را است
    هستم هست بود ام عندي لدي عمري أنا انا هو هي في عن على إلى الى يا لا ما أن ان قد كان
    هذا እዩ እየ ኣለኹ ኣብ ካብ ምስ ኣነ እሞ ግን
    """
)
# Particles inside a name ("Marie de Montmollin", "Omar ben Ali"): kept before a capital.
_PARTICLES = _words("de du des da di del della dos van von der ben bin ibn abu al el")

# Common first names of the people the service meets (Swiss, Southern and Eastern European,
# Turkish, Arabic, Persian, Eritrean), each script as people write it. Not exhaustive: a
# gazetteer only catches names without a cue; Presidio adds spaCy's for Latin script.
_FIRST_NAMES = _words(
    """
    Marie Jean Pierre Anne Sophie Nathalie Isabelle Laurent Nicolas Julien Thomas Sarah Laura
    Lucas Léa Emma Louis Hugo Chloé Camille Manon Luca Noah Gabriel Nathan Théo Antoine
    Philippe Michel Alain Patrick Christophe Sébastien Stéphane Olivier Daniel David Éric Eric
    François Catherine Christine Sandrine Valérie Martine Monique Françoise Jacqueline Sylvie
    Claude Yves Marc Paul André Jacques Bernard René Mélanie Céline Aurélie Jessica Vanessa
    Kevin Florian Maxime Alexandre Mathieu Romain Loïc Cédric Fabienne Élodie Elodie Josiane
    Hans Peter Anna Ursula Ruth Heidi Markus Stefan Andreas Martin Christian Monika Sabine
    Barbara Jürg Urs Reto Lukas Jonas Leon Lena Giuseppe Marco Giulia Francesca Alessandro
    Matteo Chiara Sara Paolo Giovanni Antonio Maria João José Manuel António Ana Joana Pedro
    Rui Carlos Fernando Luís Luis Paulo Tiago Inês Beatriz Rita Sofia Catarina Juan Carmen
    Lucía Javier Diego Pablo Alejandro Miguel Sergio Elena Arben Besnik Blerim Driton Fatmir
    Agim Arta Blerta Drita Fjolla Valbona Ardit Erion Liridon Shpend Leutrim Albana Mimoza
    Teuta Vjosa Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Murat Emre Yusuf Fatma Ayşe
    Emine Hatice Zeynep Elif Merve Özlem Selin Burak Serkan Mohamed Mohammed Muhammad Ahmed
    Fatima Aisha Omar Youssef Khaled Karim Leila Samira Yasmina Nadia Rachid Hassan Hussein
    Abdullah Ibrahim Mariam Amina Zainab Reza Mehdi Hossein Zahra Maryam Farhad Shirin Parisa
    Navid Arash Tesfay Tesfaye Yonas Yohannes Dawit Senait Mebrahtu Kidane Filmon Semhar Saba
    Ruta Winta Abraham Haile Mulugeta Tekle Berhane Ghebremedhin Weldu Tsegay Kibrom Merhawi
    Olena Oksana Iryna Natalia Tetiana Svitlana Olga Yulia Anastasia Andriy Oleksandr Dmytro
    Serhiy Ivan Sergei Dmitri Vladimir Yuri Igor Maxim Nikolai Alexei Ekaterina Tatiana
    Олена Оксана Ірина Наталія Тетяна Світлана Ольга Юлія Анастасія Андрій Олександр Дмитро
    Сергій Іван Микола Василь Петро Марія Анна Ганна Віктор Володимир Юрій Богдан Тарас
    Людмила Галина Елена Ирина Наталья Татьяна Светлана Юлия Анастасия Андрей Александр
    Дмитрий Сергей Иван Николай Владимир Юрий Алексей Михаил Екатерина Мария Максим Игорь
    Павел Виктор
    محمد أحمد احمد محمود مصطفى يوسف إبراهيم ابراهيم عمر خالد حسين عبدالله فاطمة عائشة مريم
    زينب خديجة ليلى سارة رنا نادية سميرة ياسمين آمنة أمينة رشيد حمزة بلال طارق وليد ماجد
    سامي سلمى رانيا
    رضا مهدی حسین زهرا مریم فاطمه علی فرهاد پریسا آرش سارا حمید مجید جواد کاظم مرتضی نگین
    لیلا سمیرا مهسا بهروز داریوش کوروش
    ተስፋይ ዮናስ ዮሃንስ ዳዊት ሰናይት ሄለን ኪዳነ ፍሊሞን ሰምሃር ሳባ ሩታ ዊንታ ኣብርሃም ሃይለ ሙሉጌታ ተኽለ
    በርሀ ወልዱ ጸጋይ ክብሮም መርሃዊ ዳንኤል ሚካኤል ገብረመድህን ሉዋም ኤልሳ ብርሃነ ዘርአይ ዮርዳኖስ
    """
)
# Names that are also ordinary words: a name only beside another name or after a cue.
_WEAK = _words("علي حسن كريم سعيد نور أمل هدى شیرین نوید امیر نرگس الهام ሰላም ተስፋ ብርሃን")

# Compound Ge'ez names: Gebre-, Welde-, Haile-, Tesfa-, Kidane-, Habte-, Zere- …
_GEEZ_NAME_STARTS = ("ገብረ", "ወልደ", "ሃይለ", "ተስፋ", "ኪዳነ", "ሃብተ", "ዘረ", "ወልዱ")
_LATIN_OR_CYRILLIC = re.compile(r"[A-Za-zÀ-ɏЀ-ӿ]")
_GEEZ = re.compile(r"[ሀ-፿]")
_ARABIC = re.compile(r"[؀-ۿ]")
_CYRILLIC_SURNAME = re.compile(
    r"(?<![\w-])[А-ЯІЇЄҐ][а-яіїєґ'’]+(?:енко|чук|щук|йчук|юк|ський|цький|ська|цька|ович|евич"
    r"|івна|овна|евна|ова|ева|іна|ина|ов|ев)(?![\w-])"
)
_PLACES = _words("Киев Львов Харьков Київ Львів Харків Одеса Одесса Ростов Азов Кишинев")

# A word of a name: letters, apostrophes and inner hyphens ("Jean-Pierre", "N'Diaye").
_WORD = re.compile(r"[^\W\d_](?:[\w'’]|-(?=\w))*")
_CUE = re.compile(rf"(?<!\w)(?i:{_CUES})(?!\w)\s*[:,-]?\s*")
_TITLE = re.compile(rf"(?<!\w)(?:(?i:{_TITLES})|{_CAPITALISED_TITLES})(?!\w)\s*")
_CLOSING = re.compile(rf"(?<!\w)(?i:{_CLOSINGS})\s*[,.!:\-]*\s+(?=\S)")
_TURKISH_POSTFIX = re.compile(r"(?<![\w-])([A-ZÇĞİÖŞÜ][\wçğıöşü]+)\s+(?:Hanım|Bey|hanım|bey)\b")


def _cased(word: str) -> bool:
    return bool(_LATIN_OR_CYRILLIC.match(word))


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_name(word: str) -> bool:
    """A known first name, or a compound of capitalised parts that starts with one
    ("Jean-Pierre", not the place "Pierre-à-Bot")."""
    parts = word.split("-")
    return word in _FIRST_NAMES or (
        parts[0] in _FIRST_NAMES and all(_capitalised(part) for part in parts)
    )


def _surname_like(word: str) -> bool:
    """Could ``word`` continue a name already started (without a cue before it)?"""
    if _cased(word):
        return _capitalised(word)
    if _GEEZ.match(word):
        # Eritrean and Ethiopian surnames are fathers' first names, often compounds
        return _is_name(word) or word.startswith(_GEEZ_NAME_STARTS)
    if _is_name(word) or word in _WEAK:
        return True
    # "العلي", "الزهراء"; Persian surnames in -ی ("رضایی", "محمدی") or -زاده
    return len(word) > 3 and (word.startswith("ال") or word.endswith(("ی", "زاده")))


def _words_from(text: str, position: int) -> list[re.Match[str]]:
    """The words from ``position`` on, as long as only spaces separate them."""
    words: list[re.Match[str]] = []
    cursor = position
    while len(words) <= MAX_NAME_WORDS:
        match = _WORD.match(text, cursor)
        if match is None:
            break
        words.append(match)
        gap = re.match(r"[ \t\u00a0\u202f]+", text[match.end() :])
        if gap is None:
            break
        cursor = match.end() + gap.end()
    return words


def _after_cue(text: str, position: int, *, capitals_only: bool) -> Span | None:
    """The name that starts at ``position`` (after a cue or title), if one does.

    Capitalised words continue a name in cased scripts; a name typed all in lower case
    ("je m'appelle marie dupont") continues with lower-case words; in caseless scripts a word
    continues it when it looks like a surname (:func:`_surname_like`), and never a function
    word (``_STOP``, or Arabic "و…", "and …").
    """
    taken: list[re.Match[str]] = []
    lower_case_name = False
    for match in _words_from(text, position):
        word = match.group()
        lowered = word.lower()
        if taken and lowered in _PARTICLES:
            taken.append(match)
            continue
        if lowered in _STOP or (
            _ARABIC.match(word) and word.startswith("و") and not _is_name(word)
        ):
            break
        if _cased(word) and not _capitalised(word):
            if capitals_only or (taken and not lower_case_name):
                break
            lower_case_name = True
        elif taken and not _cased(word) and not _surname_like(word):
            break
        taken.append(match)
        if len(taken) >= MAX_NAME_WORDS:
            break
    while taken and taken[-1].group().lower() in _PARTICLES:
        taken.pop()
    if not taken:
        return None
    return Span(taken[0].start(), taken[-1].end(), "PERSON")


def _cue_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for match in _CUE.finditer(text):
        # "adım" is also "step" and "ismim" rarely anything else; Turkish has capitals, so a
        # Turkish cue takes a capitalised word only.
        strict = match.group().strip(" :,-").lower() in {"adım", "ismim", "quhem"}
        span = _after_cue(text, match.end(), capitals_only=strict)
        if span is not None:
            spans.append(span)
    for match in _TITLE.finditer(text):
        span = _after_cue(text, match.end(), capitals_only=True)
        if span is not None:
            spans.append(span)
    for match in _CLOSING.finditer(text):
        span = _after_cue(text, match.end(), capitals_only=True)
        if span is not None and not text[span.end :].strip(" .!\n"):
            spans.append(span)
    spans.extend(Span(m.start(1), m.end(1), "PERSON") for m in _TURKISH_POSTFIX.finditer(text))
    return spans


def _gazetteer_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    words = list(_WORD.finditer(text))
    index = 0
    while index < len(words):
        match = words[index]
        word = match.group()
        before = text[match.start() - 1] if match.start() else " "
        weak = word in _WEAK
        if (
            (not _is_name(word) and not weak)
            or before in "-'’"
            or (_cased(word) and not _capitalised(word))
        ):
            index += 1
            continue
        end = index
        while end + 1 < len(words) and end - index + 1 < MAX_NAME_WORDS:
            following = words[end + 1]
            gap = text[words[end].end() : following.start()]
            if gap.strip(" \t\u00a0\u202f") or not _surname_like(following.group()):
                break
            end += 1
        if not weak or end > index:
            spans.append(Span(match.start(), words[end].end(), "PERSON"))
        index = end + 1
    return spans


def name_spans(text: str) -> list[Span]:
    """Spans of the personal names ``text`` holds, possibly overlapping."""
    spans = _cue_spans(text) + _gazetteer_spans(text)
    spans.extend(
        Span(m.start(), m.end(), "PERSON")
        for m in _CYRILLIC_SURNAME.finditer(text)
        if m.group() not in _PLACES
    )
    return spans


_NON_LATIN_LETTER = re.compile(r"[Ѐ-ӿ؀-ۿሀ-፿]")


def model_name_span(text: str, start: int, end: int) -> Span | None:
    """A name model's guess trimmed to its capitalised Latin words, or ``None`` if none is left.

    spaCy's French model, run on any language, also calls "ho bisogno" or an Arabic verb a
    person and takes titles into the name ("Madame Rochat"); a name in Latin script is made of
    capitalised words, and the other scripts are the rules' job (:func:`name_spans`).
    """
    guess = text[start:end]
    if _NON_LATIN_LETTER.search(guess):
        return None
    words = [
        m
        for m in _WORD.finditer(guess)
        if _capitalised(m.group()) and not _TITLE.fullmatch(m.group())
    ]
    if not words:
        return None
    return Span(start + words[0].start(), start + words[-1].end(), "PERSON")
