"""The redaction table both redactors must pass: identifiers in every language and script.

Each row is a text as a person could write it and exactly what the store may keep of it. The
rows reproduce what issue 22's probe found kept raw (an Arabic-script name, "+33 6 12 34 56 78",
a German IBAN cut in half, "… arobase gmail point com", permit digits, a name in a comment)
and extend them to the 13 languages. Rows marked "kept" hold no personal data and must come
back unchanged: a redactor that blanks everything would fail them.
"""

from __future__ import annotations

import pytest

__all__ = ["KEPT", "REDACTED"]

REDACTED = [
    # phone numbers, Swiss and international, in every spacing and script
    pytest.param("Appelez le 079 123 45 67", "Appelez le <PHONE>", id="mobile-spaced"),
    pytest.param("mon natel 0791234567 svp", "mon natel <PHONE> svp", id="mobile-compact"),
    pytest.param("tel. 079/123.45.67", "tel. <PHONE>", id="mobile-slashes-dots"),
    pytest.param("tel +41 32 886 80 70.", "tel <PHONE>.", id="swiss-international"),
    pytest.param("tel 0041 79 123 45 67", "tel <PHONE>", id="swiss-0041"),
    pytest.param("+41 (0)79 123 45 67 le soir", "<PHONE> le soir", id="swiss-bracket-zero"),
    pytest.param("bureau (032) 886 80 70", "bureau <PHONE>", id="area-code-brackets"),
    pytest.param(
        "mon numéro +33 6 12 34 56 78 merci", "mon numéro <PHONE> merci", id="french-intl"
    ),
    pytest.param("WhatsApp +33612345678", "WhatsApp <PHONE>", id="french-compact"),
    pytest.param("ruft mich an: 0049 151 2345 6789", "ruft mich an: <PHONE>", id="german"),
    pytest.param("رقمي ٠٧٩١٢٣٤٥٦٧ من فضلك", "رقمي <PHONE> من فضلك", id="arabic-indic-digits"),
    pytest.param("شماره من ۰۷۹ ۱۲۳ ۴۵ ۶۷ است", "شماره من <PHONE> است", id="persian-digits"),
    pytest.param("мой телефон +380 67 123 4567", "мой телефон <PHONE>", id="ukrainian-intl"),
    pytest.param(
        "zéro sept neuf, un deux trois, quarante-cinq, soixante-sept",
        "<PHONE>",
        id="spelled-digits-fr",
    ),
    pytest.param(
        "call me on zero seven nine one two three four five", "call me on <PHONE>", id="spelled-en"
    ),
    # e-mail addresses, written and spelled out
    pytest.param("écrire à marie.dupont@example.ch", "écrire à <EMAIL>", id="email"),
    pytest.param("mail: jean @ gmail . com", "mail: <EMAIL>", id="email-spaced"),
    pytest.param("jean arobase gmail point com", "<EMAIL>", id="email-arobase-point"),
    pytest.param("c'est jean.dupont at gmail dot com", "c'est <EMAIL>", id="email-at-dot"),
    pytest.param("jean (at) bluewin (dot) ch", "<EMAIL>", id="email-brackets"),
    pytest.param("scrivimi a luca chiocciola libero punto it", "scrivimi a <EMAIL>", id="email-it"),
    pytest.param("почта ivan собака mail точка ru", "почта <EMAIL>", id="email-ru"),
    pytest.param("insta: @jean_dupont85", "insta: <HANDLE>", id="handle"),
    # IBANs of any country, whole
    pytest.param("IBAN CH93 0076 2011 6238 5295 7", "IBAN <IBAN>", id="iban-ch"),
    pytest.param("IBAN DE89 3704 0044 0532 0130 00 merci", "IBAN <IBAN> merci", id="iban-de"),
    pytest.param("virement sur DE89370400440532013000", "virement sur <IBAN>", id="iban-compact"),
    pytest.param("compte GB29 NWBK 6016 1331 9268 19", "compte <IBAN>", id="iban-gb-letters"),
    pytest.param("iban fr76 3000 6000 0112 3456 7890 189", "iban <IBAN>", id="iban-lower-case"),
    # AVS numbers, permits, passports, other long numbers
    pytest.param("Mon AVS est 756.1234.5678.97.", "Mon AVS est <AVS>.", id="avs"),
    pytest.param("AHV-Nr. 756 1234 5678 97", "AHV-Nr. <AVS>", id="avs-spaces"),
    pytest.param("AVS 7561234567897 svp", "AVS <AVS> svp", id="avs-compact"),
    pytest.param("permis B n° 12345678", "permis B n° <ID>", id="permit-number"),
    pytest.param("mon permis S S12345678", "mon permis S <ID>", id="permit-letter-digits"),
    pytest.param("passeport X1234567 expiré", "passeport <ID> expiré", id="passport"),
    pytest.param("numéro de dossier: AB-2024-5531", "numéro de dossier: <ID>", id="case-file"),
    pytest.param("номер паспорта FA 123456", "номер паспорта <ID>", id="passport-cyrillic"),
    # dates of birth
    pytest.param("née le 12.03.1985", "née le <DATE>", id="dob-numeric"),
    pytest.param("né le 3 mai 1980", "né le <DATE>", id="dob-words-fr"),
    pytest.param("geboren am 15. März 1990", "geboren am <DATE>", id="dob-de"),
    pytest.param("born on May 3, 1980", "born on <DATE>", id="dob-en"),
    pytest.param("تاريخ ميلادي ١٥ مارس ١٩٨٥", "تاريخ ميلادي <DATE>", id="dob-arabic"),
    pytest.param("родился 5 мая 1979 года", "родился <DATE> года", id="dob-russian"),
    # street addresses with a number
    pytest.param(
        "j'habite rue de la Gare 12 à Neuchâtel", "j'habite <ADDRESS> à Neuchâtel", id="street-fr"
    ),
    pytest.param(
        "j'habite au 12 rue de la Gare à Cernier",
        "j'habite au <ADDRESS> à Cernier",
        id="number-first",
    ),
    pytest.param("wohne an der Bahnhofstrasse 5", "wohne an der <ADDRESS>", id="street-de"),
    pytest.param("Place Pury 3, Neuchâtel", "<ADDRESS>, Neuchâtel", id="street-place"),
    pytest.param("abito in via Roma 3", "abito in <ADDRESS>", id="street-it"),
    pytest.param("أسكن في شارع الحرية 12", "أسكن في <ADDRESS>", id="street-arabic"),
    pytest.param("живу на улице Ленина 5", "живу на <ADDRESS>", id="street-ru"),
    # names introduced by a cue, in the 13 languages
    pytest.param(
        "Je m'appelle Marie Dupont et j'ai faim", "Je m'appelle <PERSON> et j'ai faim", id="name-fr"
    ),
    pytest.param(
        "je m'appelle marie dupont et j'ai faim",
        "je m'appelle <PERSON> et j'ai faim",
        id="name-fr-lower-case",
    ),
    pytest.param(
        "ich heiße Anna Müller und suche Arbeit",
        "ich heiße <PERSON> und suche Arbeit",
        id="name-de",
    ),
    pytest.param(
        "mi chiamo Giulia Rossi, ho bisogno", "mi chiamo <PERSON>, ho bisogno", id="name-it"
    ),
    pytest.param(
        "my name is John Smith and I need help", "my name is <PERSON> and I need help", id="name-en"
    ),
    pytest.param("chamo-me João Silva", "chamo-me <PERSON>", id="name-pt"),
    pytest.param(
        "me llamo Juan García y necesito ayuda", "me llamo <PERSON> y necesito ayuda", id="name-es"
    ),
    pytest.param("اسمي فاطمة الزهراء وأنا من سوريا", "اسمي <PERSON> وأنا من سوريا", id="name-ar"),
    pytest.param("Мене звати Олена Коваленко", "Мене звати <PERSON>", id="name-uk"),
    pytest.param(
        "меня зовут Иван Петров, мне 40 лет", "меня зовут <PERSON>, мне 40 лет", id="name-ru"
    ),
    pytest.param("اسم من علی رضایی است", "اسم من <PERSON> است", id="name-fa"),
    pytest.param("quhem Arben Krasniqi", "quhem <PERSON>", id="name-sq"),
    pytest.param("Benim adım Ayşe Yılmaz", "Benim adım <PERSON>", id="name-tr"),
    pytest.param("ስመይ ሳባ ገብረመድህን እዩ", "ስመይ <PERSON> እዩ", id="name-ti"),
    # names after a title, in a closing, or known first names
    pytest.param("Madame Rochat a dit", "Madame <PERSON> a dit", id="title-fr"),
    pytest.param("Herr Keller hat mir geholfen", "Herr <PERSON> hat mir geholfen", id="title-de"),
    pytest.param("السيدة خديجة ساعدتني", "السيدة <PERSON> ساعدتني", id="title-ar"),
    pytest.param("Cordialement, Marie Dupont", "Cordialement, <PERSON>", id="closing"),
    pytest.param(
        "Ahmed Benali cherche un logement", "<PERSON> cherche un logement", id="first-name"
    ),
    pytest.param("محمد العلي يحتاج مساعدة", "<PERSON> يحتاج مساعدة", id="arabic-name-no-cue"),
    pytest.param("ተስፋይ ኪዳነ ስራሕ ይደሊ", "<PERSON> ስራሕ ይደሊ", id="geez-name-no-cue"),
    pytest.param("Олена Коваленко шукає житло", "<PERSON> шукає житло", id="cyrillic-no-cue"),
    # invisible characters do not split a number
    pytest.param("tel 079\u200b123 45 67", "tel <PHONE>", id="zero-width-space"),
    # everything at once, as the probe sent it
    pytest.param(
        "Je m'appelle Marie Dupont, AVS 756.1234.5678.97, tél. 079 123 45 67, IBAN "
        "CH93 0076 2011 6238 5295 7, marie.dupont@example.ch, rue de la Gare 12, née le "
        "12.03.1985.",
        "Je m'appelle <PERSON>, AVS <AVS>, tél. <PHONE>, IBAN <IBAN>, <EMAIL>, <ADDRESS>, "
        "née le <DATE>.",
        id="all-together",
    ),
]

KEPT = [
    pytest.param("J'ai 3 enfants et un loyer de 1500 francs", id="amounts"),
    pytest.param("j'ai 150 000 francs de dettes", id="large-amount"),
    pytest.param("Appelez le 143", id="helpline"),
    pytest.param("de 2019-2023 j'ai travaillé à 80 %", id="years"),
    pytest.param("J'ai 45 ans et je vis à La Chaux-de-Fonds", id="age-and-town"),
    pytest.param("une place en crèche pour 2 enfants", id="place-not-street"),
    pytest.param("J'habite à Saint-Blaise, près de Marin", id="saint-and-marin"),
    pytest.param("rendez-vous à la Pierre-à-Bot", id="place-with-first-name"),
    pytest.param("je dors chez lui point final", id="chez-point"),
    pytest.param("Caritas Neuchâtel et la Croix-Rouge m'ont aidé", id="institutions"),
    pytest.param("Ich kann meine Miete nicht zahlen", id="german-need"),
    pytest.param("لا أستطيع دفع الإيجار", id="arabic-need"),
    pytest.param("Я не можу платити за квартиру в Києві", id="ukrainian-need"),
    pytest.param("ኣብ ኒውሻተል ገዛ ይደሊ ኣለኹ", id="tigrinya-need"),
    pytest.param("Merci beaucoup pour votre aide", id="thanks"),
    pytest.param("I miss Paris and my family", id="miss-not-a-title"),
    pytest.param("يجب علي أن أدفع الإيجار", id="arabic-weak-name-alone"),
]
