"""The answer written for the ear: hours read with certainty, at most two services, numbers
said twice and slowly, the caller's language only, emergencies first, within budget."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from assistant_api.models import AskResponse, EmergencyNumber, InstitutionCard
from assistant_api.triage.language import SUPPORTED_LANGUAGES
from assistant_api.voice.ear_phrases import ear_phrases, phrases_for
from assistant_api.voice.hours_speech import spoken_when
from assistant_api.voice.service_sentence import spoken_name
from assistant_api.voice.speech_segments import Segment, estimate_seconds, ssml
from assistant_api.voice.spoken_answer import MAX_SERVICES, ORIENTATION_BUDGET_S, compose_spoken
from assistant_api.voice.spoken_hours import (
    ANY_DAY,
    CallWindow,
    Interval,
    WeeklyHours,
    call_window,
    parse_hours,
)
from ingest import CATEGORIES

pytestmark = pytest.mark.unit

MON_FRI = (0, 1, 2, 3, 4)


def _i(start: str, end: str) -> Interval:
    h1, m1 = (int(x) for x in start.split(":"))
    h2, m2 = (int(x) for x in end.split(":"))
    return Interval(h1 * 60 + m1, h2 * 60 + m2)


@pytest.mark.parametrize(
    ("text", "window"),
    [
        pytest.param("24h/24, 7j/7", CallWindow(always=True), id="always"),
        pytest.param(
            "24h/24, 7j/7; peer-chat le lundi 19h-22h", CallWindow(always=True), id="always-first"
        ),
        pytest.param(
            "lu-ve 9h-12h et 13h30-16h30",
            CallWindow(days=MON_FRI, times=(_i("9:00", "12:00"), _i("13:30", "16:30"))),
            id="weekdays-two-ranges",
        ),
        pytest.param(
            "(2018) lu 8h30-12h, 14h-18h; ma-je 8h30-12h, 14h-16h30; ve 8h30-16h",
            CallWindow(days=MON_FRI, times=(_i("8:30", "12:00"), _i("14:00", "16:00"))),
            id="open-on-every-day-only",
        ),
        pytest.param(
            "Permanence de Fleurier: je 13h30-17h",
            CallWindow(days=(3,), times=(_i("13:30", "17:00"),)),
            id="label-dropped",
        ),
        pytest.param(
            "ma-ve l'après-midi (2023)",
            CallWindow(days=(1, 2, 3, 4), periods=("afternoon",)),
            id="period-word",
        ),
        pytest.param(
            "Neuchâtel: mardi soir et jeudi matin (2015)",
            CallWindow(days=(1,), periods=("evening",)),
            id="different-days-keep-the-first",
        ),
        pytest.param("mercredi et lundi (2019)", CallWindow(days=(0, 2)), id="days-without-times"),
        pytest.param(
            "ouvert 7j/7, toute l'année", CallWindow(days=tuple(range(7))), id="every-day"
        ),
        pytest.param(
            "8h30-12h et 13h30-16h (horaire relevé fin 2024, à vérifier)",
            CallWindow(times=(_i("8:30", "12:00"), _i("13:30", "16:00"))),
            id="times-without-days",
        ),
        pytest.param(
            "Poste provisoire de Neuchâtel: lu-ve 8h-17h30; sa, di et jours fériés 8h30-12h",
            CallWindow(days=MON_FRI, times=(_i("8:00", "17:30"),)),
            id="unread-part-skipped",
        ),
        pytest.param(
            "Cours d'été dans les parcs: juillet-août, ma-me-je (16h-17h30)",
            None,
            id="restricted-by-an-unread-part",
        ),
        pytest.param(
            "accueil de nuit 20h-8h par le SMUR (depuis oct. 2023); horaires de jour non précisés",
            None,
            id="overnight-and-vague",
        ),
        pytest.param(None, None, id="none"),
        pytest.param("Sur rendez-vous en ligne uniquement", None, id="appointment"),
    ],
)
def test_hours_are_reduced_to_what_is_true_on_every_day(
    text: str | None, window: CallWindow | None
) -> None:
    found = call_window(parse_hours(text))
    if window is None:
        assert found is None
        return
    assert found is not None
    assert (found.always, found.days, found.periods) == (
        window.always,
        window.days,
        window.periods,
    )
    assert [(i.start, i.end) for i in found.times] == [(i.start, i.end) for i in window.times]


def test_times_without_days_are_kept_under_any_day() -> None:
    assert parse_hours("8h30-12h") == WeeklyHours(days=((ANY_DAY, (_i("8:30", "12:00"),)),))


@pytest.mark.parametrize(
    ("language", "text", "spoken"),
    [
        pytest.param(
            "fr",
            "lu-ve 8h30-12h",
            "du lundi au vendredi, de huit heures trente à douze heures",
            id="fr",
        ),
        pytest.param(
            "de", "lu-ve 8h30-12h", "Montag bis Freitag, von 8 Uhr 30 bis 12 Uhr", id="de"
        ),
        pytest.param("en", "lu-ve 8h30-12h", "Monday to Friday, from 8:30 to 12", id="en"),
        pytest.param(
            "ru", "lu-ve 8h30-12h", "с понедельника по пятницу, с 8:30 до 12", id="ru-cases"
        ),
        pytest.param(
            "tr", "lu-ve 8h30-12h", "Pazartesiden Cumaya kadar, saat 8:30 ile 12 arası", id="tr"
        ),
        pytest.param("it", "24h/24, 7j/7", "giorno e notte, tutti i giorni", id="it-always"),
        pytest.param("es", "mercredi et lundi", "lunes y miércoles", id="es-two-days"),
        pytest.param(
            "en", "ma-ve l'après-midi", "Tuesday to Friday, in the afternoon", id="en-period"
        ),
    ],
)
def test_when_to_call_is_said_in_the_callers_language(
    language: str, text: str, spoken: str
) -> None:
    assert spoken_when(call_window(parse_hours(text)), language) == spoken


def _card(
    cid: str,
    name: str,
    phone: str | None,
    *,
    why: str = "",
    hours: str | None = None,
) -> InstitutionCard:
    return InstitutionCard(
        id=cid,
        name=name,
        why=why or f"{name} peut vous aider pour : consultations sociales; épicerie; budget.",
        phones=[phone] if phone else [],
        website="https://example.ch/service",
        emails=["info@example.ch"],
        hours=hours,
    )


CARDS = [
    _card(
        "caritas",
        "Caritas Neuchâtel (2018)",
        "+41 32 886 80 70",
        hours="(2018) lu-ve 8h30-12h (à confirmer)",
    ),
    _card("csp", "Centre social protestant", "+41 32 722 19 60", hours="lu-je 14h-17h"),
    _card("third", "Troisième service", "+41 32 000 00 00"),
]
CATEGORIES_OF = {"caritas": "finances_dettes", "csp": "aide_sociale", "third": "logement"}


def _result(language: str, kind: str = "orientation", **extra: object) -> AskResponse:
    fields: dict[str, object] = {
        "kind": kind,
        "language": language,
        "answer": "**written** answer [1] (à confirmer) https://example.ch",
        "institutions": CARDS,
        **extra,
    }
    return AskResponse.model_validate(fields)


UNREADABLE = re.compile(r"[()\[\]]|https?://|@|\b20\d\d\b|confirmer|\*\*")


def test_an_orientation_in_german_says_each_number_twice_slowly_within_budget() -> None:
    spoken = compose_spoken(_result("de"), channel="phone", categories=CATEGORIES_OF, sms=True)
    # Two 8-digit numbers said twice slowly take ~30 s in espeak's German voice: the second
    # service does not fit in the budget and goes by SMS only.
    assert spoken.services == ("caritas",)
    assert spoken.body_text == (
        "Bei Schulden und Rechnungen rufen Sie Caritas Neuchâtel an, unter 0 32, 886, 80, 70, "
        "ich wiederhole, 0 32, 886, 80, 70, Montag bis Freitag, von 8 Uhr 30 bis 12 Uhr."
    )
    assert [s.text for s in spoken.body if s.slow] == ["0 32, 886, 80, 70"] * 2
    assert not UNREADABLE.search(spoken.text)
    assert "Schulden" in spoken.body_text and "consultations" not in spoken.text
    assert [s.text.strip() for s in spoken.offer] == [
        "Zum Wiederholen drücken Sie die 1.",
        "Um die Nummern per SMS zu erhalten, drücken Sie die 2.",
        "Für eine andere Frage drücken Sie die 3.",
        "Um mit einer Person zu sprechen, drücken Sie die 0.",
    ]


def test_two_services_are_said_when_they_fit() -> None:
    short = [
        _card("garde", "Garde médicale", "0848 134 134", hours="24h/24, 7j/7"),
        _card("mt", "La Main Tendue", "143"),
    ]
    spoken = compose_spoken(
        _result("en", institutions=short), categories={"garde": "sante", "mt": "sante_mentale"}
    )
    assert spoken.services == ("garde", "mt")
    assert spoken.body_text == (
        "For health and care, call Garde médicale on 0 848, 134, 134, I repeat, "
        "0 848, 134, 134, day and night, every day. For mental health and someone to talk "
        "to, call La Main Tendue on 143, I repeat, 143."
    )


def test_what_a_card_says_it_does_is_read_when_in_the_callers_language() -> None:
    spoken = compose_spoken(
        _result("fr"),
        channel="phone",
        categories=CATEGORIES_OF,
        does={"caritas": "consultations sociales, épicerie"},
    )
    assert spoken.body_text == (
        "Caritas Neuchâtel, consultations sociales, épicerie : appelez le "
        "zéro trente-deux, huit cent quatre-vingt-six, quatre-vingts, septante, je répète, "
        "zéro trente-deux, huit cent quatre-vingt-six, quatre-vingts, septante, du lundi au "
        "vendredi, de huit heures trente à douze heures."
    )
    assert "SMS" not in spoken.text  # no sender: no SMS offered
    assert not UNREADABLE.search(spoken.text)


def test_the_web_offer_has_no_keys() -> None:
    spoken = compose_spoken(_result("en"), channel="web", categories=CATEGORIES_OF)
    assert spoken.text.endswith(
        "To hear it again, press play. The numbers are also written on the screen."
    )


def test_a_second_office_behind_the_same_number_is_not_said_twice() -> None:
    twin = _card("twin", "Guichet bis", "+41 32 886 80 70")
    result = _result("en", institutions=[CARDS[0], twin, CARDS[1]])
    spoken = compose_spoken(result, categories=CATEGORIES_OF, seconds=lambda s, lang: 0.0)
    assert spoken.services == ("caritas", "csp")


def test_a_service_without_a_phone_is_named_with_its_hours() -> None:
    result = _result("en", institutions=[_card("web", "Bibliomonde", None, hours="je 14h-17h")])
    spoken = compose_spoken(result, categories={"web": "integration_loisirs"})
    assert spoken.body_text == (
        "For settling in and daily life: Bibliomonde, Thursday, from 14 to 17."
    )


def test_a_long_answer_drops_the_second_hours_then_the_second_service() -> None:
    def seconds(segments: Sequence[Segment], language: str) -> float:
        return 12.0 * sum(1 for s in segments if s.slow)  # 24 s per service

    spoken = compose_spoken(_result("en"), categories=CATEGORIES_OF, seconds=seconds)
    assert spoken.services == ("caritas",)
    assert "Monday to Friday" in spoken.body_text


def test_the_second_service_loses_its_hours_before_being_left_out() -> None:
    def seconds(segments: Sequence[Segment], language: str) -> float:
        return 7.0 * sum(1 for s in segments if s.slow) + 3.0 * sum(
            1 for s in segments if "Monday" in s.text
        )

    spoken = compose_spoken(_result("en"), categories=CATEGORIES_OF, seconds=seconds)
    assert spoken.services == ("caritas", "csp")
    assert spoken.body_text.count("Monday") == 1


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_language_speaks_every_category_and_stays_in_budget(language: str) -> None:
    phrases = phrases_for(language)
    assert set(phrases.categories) == set(CATEGORIES)
    assert phrases.service.count("{number}") == 2
    assert phrases.emergency_line.count("{number}") == 2
    spoken = compose_spoken(_result(language), channel="phone", categories=CATEGORIES_OF, sms=True)
    assert 1 <= len(spoken.services) <= MAX_SERVICES
    assert estimate_seconds(spoken.body, language) <= ORIENTATION_BUDGET_S
    assert not UNREADABLE.search(spoken.text)
    assert all(card.name.split(" (")[0] not in s.text for card in CARDS[2:] for s in spoken.body)


def test_phrases_cover_the_answer_languages() -> None:
    assert set(ear_phrases()) == set(SUPPORTED_LANGUAGES)


EMERGENCY = {
    "kind": "emergency",
    "emergency_numbers": [
        EmergencyNumber(number="117", label="police (24h/24)"),
        EmergencyNumber(number="144", label="ambulance"),
    ],
    "institutions": [
        _card("police", "Police neuchâteloise", "117"),
        _card("savi", "Service d'aide aux victimes (SAVI)", "+41 32 889 66 49"),
    ],
}


def test_an_emergency_gives_the_numbers_first_then_offers_the_transfer() -> None:
    spoken = compose_spoken(
        _result("en", **EMERGENCY), channel="phone", categories={"savi": "violence_victimes"}
    )
    assert spoken.body_text == (
        "If you are in danger, call now. Police: 117, I repeat, 117. Ambulance: 144, I repeat, 144."
    )
    assert spoken.transfer == ("117", "144")
    assert [s.text.strip() for s in spoken.offer] == [
        "To be connected to 117, press 1.",
        "To be connected to 144, press 2.",
        "Or stay on the line: I will connect you to 117.",
        "To hear the services that help afterwards, press 9.",
    ]
    follow = " ".join(s.text for s in spoken.follow)
    assert "Service d'aide aux victimes" in follow and "Police" not in follow
    assert spoken.services == ("savi",)
    assert spoken.menu[0].text.strip() == "To hear this again, press 1."


def test_an_emergency_on_the_web_reads_the_services_after_the_numbers() -> None:
    spoken = compose_spoken(_result("fr", **EMERGENCY), channel="web")
    text = spoken.text
    assert text.startswith("Si vous êtes en danger, appelez tout de suite. Police : cent dix-sept")
    assert (
        text.index("Ambulance")
        < text.index("Quand vous êtes en sécurité")
        < text.index("Service d'aide aux victimes")
    )
    assert spoken.transfer == ()


@pytest.mark.parametrize(
    ("kind", "starts"),
    [
        pytest.param("out_of_scope", "I guide you to the social and health services", id="scope"),
        pytest.param("no_answer", "I found no service for exactly this question.", id="none"),
    ],
)
def test_no_answer_and_out_of_scope_say_so_in_one_sentence(kind: str, starts: str) -> None:
    institutions = [] if kind == "out_of_scope" else [CARDS[1]]
    spoken = compose_spoken(_result("en", kind=kind, institutions=institutions), channel="phone")
    assert spoken.body_text.startswith(starts)
    if kind == "no_answer":
        assert "To be guided to the right service, call Centre social protestant" in (
            spoken.body_text
        )


def test_names_drop_what_a_listener_cannot_use() -> None:
    assert spoken_name(
        _card("x", "Le Seuil – accueil à bas seuil (Addiction Neuchâtel)", None)
    ) == ("Le Seuil")


def test_ssml_slows_numbers_and_escapes_text() -> None:
    assert ssml([Segment("A & B <x> "), Segment("144", slow=True)]) == (
        '<speak>A &amp; B &lt;x&gt; <prosody rate="80%">144</prosody></speak>'
    )


def test_a_danger_described_not_now_ends_with_its_number_said_twice() -> None:
    result = _result(
        "en", danger_numbers=[{"number": "117", "label": "police"}, {"number": "144", "label": "x"}]
    )
    spoken = compose_spoken(result, channel="phone", categories=CATEGORIES_OF)
    plain = compose_spoken(_result("en"), channel="phone", categories=CATEGORIES_OF)
    assert spoken.body_text.startswith(plain.body_text)
    said = spoken.body_text[len(plain.body_text) :]
    assert said == " If you are in danger, call now. Police: 117, I repeat, 117."
    assert "144" not in said  # the first number only: the hotline's time is short
    assert spoken.kind == "orientation" and not spoken.transfer


def test_a_danger_described_not_now_is_offered_to_be_dialled_first_on_the_phone_only() -> None:
    result = _result("en", danger_numbers=[{"number": "117", "label": "police"}])
    spoken = compose_spoken(result, channel="phone", categories=CATEGORIES_OF, sms=True)
    assert spoken.connect == "117"
    offered = [s.text.strip() for s in spoken.offer]
    assert offered[0] == "To be connected to 117, press 4."
    assert offered[1:] == [
        s.text.strip()
        for s in compose_spoken(
            _result("en"), channel="phone", categories=CATEGORIES_OF, sms=True
        ).offer
    ]
    assert spoken.menu == spoken.offer  # "repeat" and the offer heard again keep it
    web = compose_spoken(result, channel="web", categories=CATEGORIES_OF)
    assert web.connect is None and "connected" not in web.text
    assert compose_spoken(_result("en"), channel="phone").connect is None


def test_a_described_danger_without_an_answer_still_says_its_number() -> None:
    result = _result("fr", "no_answer", danger_numbers=[{"number": "117", "label": "police"}])
    spoken = compose_spoken(result, channel="phone", categories=CATEGORIES_OF)
    assert "Police : cent dix-sept" in spoken.body_text
    assert spoken.connect == "117"


def test_the_contacts_sms_carries_a_described_dangers_numbers_after_the_first_door() -> None:
    from assistant_api.voice.sms import contacts_sms

    result = _result("en", danger_numbers=[{"number": "117", "label": "police"}])
    lines = contacts_sms(result).splitlines()
    assert lines[0] == "Permanence NE"
    assert lines[1].startswith(CARDS[0].name)
    assert lines[2] == "117: police"
    assert "117: police" not in contacts_sms(_result("en"))


def test_a_danger_number_stays_in_the_budget_by_dropping_the_only_services_hours() -> None:
    def seconds(segments: Sequence[Segment], language: str) -> float:
        # 12 s per slow number, 10 s for the hours: one service with hours and 117 twice is 44 s
        return 12.0 * sum(1 for s in segments if s.slow) + 10.0 * sum(
            1 for s in segments if "Monday" in s.text
        )

    result = _result("en", danger_numbers=[{"number": "117", "label": "police"}])
    spoken = compose_spoken(result, categories=CATEGORIES_OF, seconds=seconds)
    assert spoken.services == ("caritas",)
    assert "Monday" not in spoken.body_text  # the hours gave way, not the number to call
    assert spoken.body_text.endswith("Police: 117, I repeat, 117.")
