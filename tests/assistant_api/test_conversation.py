"""Conversations: the store's bounds, how a follow-up is read, and follow-ups over HTTP."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from assistant_api.conversation import (
    ConversationLexicon,
    ConversationStore,
    FollowUpReader,
    Turn,
)
from assistant_api.runtime import AssistantRuntime, build_communes
from assistant_api.triage.language import SUPPORTED_LANGUAGES
from index import Glossary
from permanence.settings import Settings

PRO = {"Authorization": "Bearer pro-token-for-tests-0123456789"}


def _turn(need: str, *, kind: str = "orientation", doors: tuple[str, ...] = ()) -> Turn:
    return Turn(
        question=need, need=need, language="fr", commune=None, kind=kind, institution_ids=doors
    )


@pytest.mark.unit
def test_a_conversation_is_only_read_in_its_own_audience() -> None:
    store = ConversationStore()
    public = store.open("public")
    professional = store.open("professional")
    assert len(public.id) >= 20 and public.id != professional.id
    assert store.get(public.id, "public") == public
    assert store.get(professional.id, "public") is None  # a public request never reads it
    assert store.get(public.id, "professional") is None
    assert store.delete(professional.id, "public") is False
    assert store.delete(professional.id, "professional") is True
    assert store.get(professional.id, "professional") is None


@pytest.mark.unit
def test_the_last_turn_can_be_dropped_in_its_own_audience_only() -> None:
    store = ConversationStore()
    conversation = store.open("public")
    for need in ("loyer", "vieille à Fleurier"):  # the second was misheard
        conversation = store.append(conversation, _turn(need))
    assert store.drop_last(conversation.id, "professional") is False
    assert store.drop_last(conversation.id, "public") is True
    kept = store.get(conversation.id, "public")
    assert kept is not None and [t.need for t in kept.turns] == ["loyer"]
    assert store.drop_last(conversation.id, "public") is True
    assert store.drop_last(conversation.id, "public") is False  # nothing left to drop
    assert store.drop_last("unknown", "public") is False


@pytest.mark.unit
def test_conversations_expire_and_are_bounded() -> None:
    store = ConversationStore(idle_ttl_s=0.2, max_turns=2, max_conversations=2)
    first = store.open("public")
    for n in range(3):
        first = store.append(first, _turn(f"question {n}"))
    assert [t.need for t in first.turns] == ["question 1", "question 2"]  # the last two kept
    store.open("public")
    store.open("public")  # a third: the least recently used goes
    assert store.get(first.id, "public") is None
    kept = store.open("public")
    time.sleep(0.3)
    assert store.get(kept.id, "public") is None
    assert len(store) == 0
    with pytest.raises(ValueError, match="max_turns"):
        ConversationStore(max_turns=0)


@pytest.mark.unit
def test_the_lexicon_has_every_language_and_reads_fact_questions() -> None:
    lexicon = ConversationLexicon.load()
    assert set(lexicon.languages) == set(SUPPORTED_LANGUAGES)
    for language in SUPPORTED_LANGUAGES:
        frames = lexicon.frames(language)
        assert "{name}" in frames.fact_lead and "{name}" in frames.fact_missing
        assert "?" in frames.ask_commune or "؟" in frames.ask_commune
    assert lexicon.regional_needs == {"unemployment", "money", "pension"}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "field"),
    [
        pytest.param("ils parlent portugais ?", "languages", id="fr-languages"),
        pytest.param("do they speak Arabic?", "languages", id="en-languages"),
        pytest.param("هل يتكلمون العربية هناك؟", "languages", id="ar-languages"),
        pytest.param("what papers do I bring?", "documents", id="en-documents"),
        pytest.param("Welche Unterlagen muss ich mitbringen?", "documents", id="de-documents"),
        pytest.param("quanto costa?", "fees", id="it-fees"),
        pytest.param("это бесплатно?", "fees", id="ru-fees"),
        pytest.param("ils sont ouverts le samedi ?", "hours", id="fr-hours"),
        pytest.param("ils sont ou exactement ?", None, id="fr-where-without-accent-is-not-asked"),
        pytest.param("où se trouvent-ils ?", "address", id="fr-address"),
        pytest.param("j'habite à Couvet", None, id="a-commune-is-no-field"),
    ],
)
def test_the_field_a_follow_up_asks_about(question: str, field: str | None) -> None:
    assert ConversationLexicon.load().asked_field(question) == field


@pytest.fixture(scope="module")
def reader(tiny_runtime: AssistantRuntime, tiny_settings: Settings) -> FollowUpReader:
    records = list(tiny_runtime.service.institutions.values())
    return FollowUpReader(
        communes=build_communes(records),
        lexicon=ConversationLexicon.load(),
        glossary=Glossary.from_file(tiny_settings.glossary_path),
    )


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "kind", "commune"),
    [
        pytest.param("et si j'habite a boudry ?", "commune", "Boudry", id="fr-commune"),
        pytest.param("Ich wohne in Fleurier", "commune", "Val-de-Travers", id="de-village"),
        pytest.param("أسكن في Le Locle", "commune", "Le Locle", id="ar-commune"),
        pytest.param("do they speak Arabic?", "fact", None, id="en-fact"),
        pytest.param("it has been two months now", "refine", None, id="en-refine"),
        pytest.param("et je cherche aussi un cours de francais", "new", None, id="fr-new-need"),
    ],
)
def test_how_a_follow_up_is_read(
    reader: FollowUpReader, question: str, kind: str, commune: str | None
) -> None:
    previous = _turn("je n'arrive plus a payer mon loyer", doors=("caritas-neuchatel",))
    follow = reader.read(question, previous)
    assert follow.kind == kind
    assert follow.commune == commune


@pytest.mark.integration
def test_an_emergency_does_not_stick(reader: FollowUpReader) -> None:
    emergency = _turn("mon mari me frappe maintenant", kind="emergency")
    assert reader.read("merci, et pour les impots ?", emergency).kind == "new"
    assert reader.read("j'habite a Cernier", emergency).kind == "commune"  # the same need


def _ask(server: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    response = httpx.post(f"{server}/v1/ask", json=body, headers=headers or {}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.integration
def test_a_commune_follow_up_answers_the_earlier_need_for_that_commune(api_server: str) -> None:
    first = _ask(api_server, {"question": "je n'ai plus d'argent pour manger ce mois-ci"})
    assert first["conversation_id"] and first["commune"] is None
    assert first["clarification"] == {
        "field": "commune",
        "question": ConversationLexicon.load().frames("fr").ask_commune,
    }
    follow = _ask(
        api_server,
        {"question": "j'habite à Cernier", "conversation_id": first["conversation_id"]},
    )
    assert follow["conversation_id"] == first["conversation_id"]
    assert follow["commune"] == "Val-de-Ruz" and follow["kind"] == "orientation"
    assert follow["language"] == "fr" and follow["clarification"] is None
    shown = [card["id"] for card in follow["institutions"]]
    assert "gsr-val-de-ruz" in shown  # the social counter of Cernier's commune
    assert not {"gsr-neuchatel", "gsr-la-chaux-de-fonds"} & set(shown)


@pytest.mark.integration
def test_a_fact_follow_up_is_answered_from_the_record_named(api_server: str) -> None:
    first = _ask(api_server, {"question": "je voudrais un test de depistage VIH, c'est ou ?"})
    door = first["institutions"][0]["id"]
    follow = _ask(
        api_server, {"question": "c'est gratuit ?", "conversation_id": first["conversation_id"]}
    )
    assert [card["id"] for card in follow["institutions"]] == [door]
    assert door == "centre-sante-sexuelle-neuchatel"
    assert "entretiens gratuits" in follow["answer"]  # the record's words, quoted
    assert follow["citations"], "the record's source is cited"


@pytest.mark.integration
def test_conversations_never_cross_audiences_and_can_be_deleted(api_server: str) -> None:
    professional = _ask(
        api_server,
        {"question": "usager sans revenu a Cernier, quel guichet ?", "audience": "professional"},
        PRO,
    )
    cid = professional["conversation_id"]
    public = _ask(api_server, {"question": "et a Boudry ?", "conversation_id": cid})
    assert public["conversation_id"] != cid  # a public request starts its own conversation
    assert httpx.delete(f"{api_server}/v1/conversations/{cid}", timeout=10).status_code == 404
    deleted = httpx.delete(f"{api_server}/v1/conversations/{cid}", headers=PRO, timeout=10)
    assert deleted.status_code == 204
    again = httpx.delete(f"{api_server}/v1/conversations/{cid}", headers=PRO, timeout=10)
    assert again.status_code == 404
    bad = httpx.delete(f"{api_server}/v1/conversations/not-an-id", timeout=10)
    assert bad.status_code == 422


@pytest.mark.integration
def test_the_chat_facade_uses_the_message_history(api_server: str) -> None:
    body = {
        "model": "permanence",
        "messages": [
            {"role": "user", "content": "je n'ai plus d'argent pour manger ce mois-ci"},
            {"role": "assistant", "content": "Dans quelle commune habitez-vous ?"},
            {"role": "user", "content": "j'habite à Cernier"},
        ],
    }
    response = httpx.post(f"{api_server}/v1/chat/completions", json=body, timeout=60)
    assert response.status_code == 200, response.text
    contract = response.json()["permanence"]
    assert contract["commune"] == "Val-de-Ruz"
    assert "gsr-val-de-ruz" in [card["id"] for card in contract["institutions"]]
