"""Who is asking, and for whom: the role lexicon in several languages, and the ranking rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant_api.answer.roles import apply_roles, is_opposed, protected_first
from assistant_api.triage.language import SUPPORTED_LANGUAGES
from assistant_api.triage.roles import DEFAULT_ROLES_PATH, QuestionRoles, RoleRecognizer
from index import InstitutionHit
from ingest import Institution, Role, RoleScope
from permanence.lexicon import LexiconError

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def recognizer() -> RoleRecognizer:
    return RoleRecognizer(DEFAULT_ROLES_PATH)


ROLE_CASES = [
    # perpetrators and the people asking for them, in phrasings of the 2026-12-04 lexicon (each
    # written for this file, not taken from the gold questions)
    pytest.param("c'est moi qui tape ma copine quand je bois", {"perpetrator"}, id="fr-it-is-me"),
    pytest.param("je l'ai encore poussée contre le mur hier", {"perpetrator"}, id="fr-again"),
    pytest.param(
        "mon mari trouve que je suis trop possessive et je lui crie dessus",
        {"perpetrator"},
        id="fr-partner-says-i-am",
    ),
    pytest.param(
        "les policiers sont venus, j'ai dû quitter la maison pour quatorze jours",
        {"perpetrator"},
        id="fr-police-expulsion",
    ),
    pytest.param(
        "Eine Klientin hat mir erzählt, dass sie ihren Partner geschlagen hat",
        {"perpetrator"},
        id="de-told-me-she-hit",
    ),
    pytest.param("l'ho schiaffeggiata davanti ai bambini", {"perpetrator"}, id="it-i-slapped-her"),
    pytest.param("she says I'm abusive and she might be right", {"perpetrator"}, id="en-says-i-am"),
    pytest.param("le grito a mi esposa todos los días", {"perpetrator"}, id="es-i-shout-at"),
    pytest.param("ameaço a minha companheira quando bebo", {"perpetrator"}, id="pt-i-threaten"),
    pytest.param("вчера поднял руку на жену при детях", {"perpetrator"}, id="ru-raised-hand"),
    pytest.param("eşimi ittim, çok pişmanım", {"perpetrator"}, id="tr-i-pushed"),
    pytest.param("o marido a humilha todos os dias", {"victim"}, id="pt-her-husband"),
    pytest.param("Sie wird von ihrem Freund ständig kontrolliert", {"victim"}, id="de-controlled"),
    # look-alikes that name no side
    pytest.param("ma femme dit que je suis trop stressé par le travail", set(), id="fr-stressed"),
    pytest.param(
        "j'ai dû quitter l'appartement pour 3 jours à cause des travaux", set(), id="fr-works"
    ),
    pytest.param("the police removed my car from the street", set(), id="en-car-removed"),
    # victims, in the asker's words
    pytest.param("mon mari me frappe", {"victim"}, id="fr-husband-hits-me"),
    pytest.param("Il m'a serré le cou hier soir", {"victim"}, id="fr-strangled"),
    pytest.param("Mon ex menace de me tuer si je pars", {"victim"}, id="fr-death-threat"),
    pytest.param("Mein Mann schlägt mich. Wohin kann ich gehen?", {"victim"}, id="de-hits-me"),
    pytest.param("Er hat mich gestern wieder geschubst", {"victim"}, id="de-pushed"),
    pytest.param(
        "Mein Partner kontrolliert mein Handy und lässt mich nicht raus",
        {"victim"},
        id="de-control",
    ),
    pytest.param(
        "my boyfriend pushed me against the wall last night", {"victim"}, id="en-pushed-me"
    ),
    pytest.param("I was assaulted on my way home", {"victim"}, id="en-assaulted"),
    pytest.param("زوجي يضربني", {"victim"}, id="ar-husband-hits-me"),
    pytest.param("муж меня избивает, мне страшно", {"victim"}, id="ru-beats-me"),
    pytest.param("Чоловік б’є мене, коли п’є", {"victim"}, id="uk-beats-me"),
    pytest.param("Kocam beni dövüyor", {"victim"}, id="tr-beats-me"),
    pytest.param("Mi pareja me golpea", {"victim"}, id="es-hits-me"),
    pytest.param("O meu marido bate-me… ele me bate todos os dias", {"victim"}, id="pt-hits-me"),
    pytest.param("شوهرم مرا کتک می‌زند", {"victim"}, id="fa-beats-me"),
    pytest.param("burri im më rreh", {"victim"}, id="sq-beats-me"),
    pytest.param("mio marito mi picchia", {"victim"}, id="it-hits-me"),
    # perpetrators
    pytest.param("je frappe ma femme et je veux arrêter", {"perpetrator"}, id="fr-i-hit"),
    pytest.param("J'ai giflé ma compagne hier", {"perpetrator"}, id="fr-slapped"),
    pytest.param("I lose control and hit my partner", {"perpetrator"}, id="en-lose-control"),
    pytest.param("Ich habe meine Frau geschlagen", {"perpetrator"}, id="de-i-hit"),
    pytest.param("ضربت زوجتي وأنا نادم", {"perpetrator"}, id="ar-i-hit"),
    pytest.param("Я ударил жену", {"perpetrator"}, id="ru-i-hit"),
    pytest.param("Karımı dövdüm, pişmanım", {"perpetrator"}, id="tr-i-hit"),
    # parents, relatives, professionals, young people
    pytest.param("mon fils ne va plus à l'école", {"parent"}, id="fr-parent"),
    pytest.param("Unsere Tochter hat Angst vor der Schule", {"parent"}, id="de-parent"),
    pytest.param("ma mère a Alzheimer et je suis épuisée", {"relative"}, id="fr-relative"),
    pytest.param("I look after my dad who has cancer", {"relative"}, id="en-carer"),
    pytest.param(
        "je suis assistante sociale, quelle aide pour un loyer impayé ?",
        {"professional"},
        id="fr-professional",
    ),
    pytest.param(
        "In my role as a teacher, where do I report neglect?", {"professional"}, id="en-role-as"
    ),
    pytest.param("j'ai 15 ans et je cherche un petit job", {"young"}, id="fr-young"),
    # several at once
    pytest.param(
        "Je suis infirmière; une patiente est victime de violence",
        {"professional", "victim"},
        id="fr-professional-for-victim",
    ),
    pytest.param(
        "Meine Schwester wird von ihrem Mann geschlagen", {"relative", "victim"}, id="de-sister"
    ),
    pytest.param(
        "My son is 19 and he hit his girlfriend",
        {"parent", "perpetrator"},
        id="en-parent-of-author",
    ),
    # negatives: a spouse or a child named in passing is no role of violence
    pytest.param("my husband and I want to adopt", set(), id="en-adopt"),
    pytest.param("mon mari et moi cherchons un appartement", set(), id="fr-flat"),
    pytest.param("violence conjugale, à qui s'adresser ?", set(), id="fr-neutral-violence"),
    pytest.param("Je tape mon mot de passe et rien ne marche", set(), id="fr-tape-password"),
    pytest.param("je pousse ma poussette jusqu'à la crèche", set(), id="fr-pram"),
    pytest.param("mon petit ami cherche du travail", set(), id="fr-boyfriend-not-child"),
    pytest.param("I need help paying the rent", set(), id="en-rent"),
    pytest.param(
        "Dans un couple suivi, monsieur a été violent", {"professional"}, id="fr-violent-not-raped"
    ),
]


@pytest.mark.parametrize(("question", "expected"), ROLE_CASES)
def test_recognises_the_roles_of_a_question(
    recognizer: RoleRecognizer, question: str, expected: set[str]
) -> None:
    assert recognizer.recognise(question).roles == expected


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("on se frappe l'un l'autre: il me frappe et je frappe mon mari", id="fr"),
        pytest.param("He hits me and I hit him back", id="en"),
    ],
)
def test_both_sides_are_ambiguous_and_keep_neither(
    recognizer: RoleRecognizer, question: str
) -> None:
    found = recognizer.recognise(question)
    assert "victim" not in found.roles and "perpetrator" not in found.roles
    assert found.ambiguous == {"victim", "perpetrator"}
    assert {role for role, _ in found.evidence} >= {"victim", "perpetrator"}


def test_the_deciding_roles_cover_every_language(recognizer: RoleRecognizer) -> None:
    for role in ("victim", "perpetrator", "parent", "relative", "professional", "young"):
        assert set(recognizer.languages(role)) == set(SUPPORTED_LANGUAGES), role
    # No native speaker has read them yet, and the file says so.
    assert set(recognizer.unchecked_languages) == set(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "roles:\n  victim:\n    patterns:\n      xx: ['a']\n",
            "unknown languages",
            id="language",
        ),
        pytest.param(
            "roles:\n  victim:\n    patterns:\n      fr: ['(a']\n", "bad pattern", id="regex"
        ),
        pytest.param(
            "roles:\n  victime:\n    patterns:\n      fr: ['a']\n", "roles.victime", id="role-name"
        ),
    ],
)
def test_a_malformed_lexicon_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        RoleRecognizer(path)


# --- the ranking rule ------------------------------------------------------------------------


def _record(record_id: str, serves: list[Role], not_for: list[Role]) -> Institution:
    roles = RoleScope(serves=serves, not_for=not_for) if serves or not_for else None
    return Institution(
        id=record_id,
        name=record_id.replace("-", " ").title(),
        categories=["violence_victimes"],
        description="Un service du réseau neuchâtelois, décrit ici pour les tests du filtre.",
        roles=roles,
        sources=["https://example.org/source"],
        provenance={"roles": ["https://example.org/source"]} if roles else {},
        last_verified=date(2026, 12, 1),
    )


RECORDS = {
    r.id: r
    for r in (
        _record("victim-support", ["victim", "relative"], ["perpetrator"]),
        _record("perpetrators-service", ["perpetrator"], ["victim"]),
        _record("police", [], []),
        _record("couple-counselling", [], []),
    )
}


def _hits(*ids: str) -> list[InstitutionHit]:
    return [InstitutionHit(i, 1.0 - n / 10, ()) for n, i in enumerate(ids)]


def _ids(hits: list[InstitutionHit]) -> list[str]:
    return [h.institution_id for h in hits]


def _roles(*roles: Role) -> QuestionRoles:
    return QuestionRoles(roles=frozenset(roles))


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        pytest.param(
            _roles("victim"), ["police", "victim-support", "couple-counselling"], id="victim"
        ),
        pytest.param(
            _roles("perpetrator"),
            ["perpetrators-service", "police", "couple-counselling"],
            id="perpetrator",
        ),
        pytest.param(
            _roles("professional", "victim"),
            ["police", "victim-support", "couple-counselling"],
            id="professional-for-a-victim",
        ),
        # No role: nothing hidden, but the service closed to victims only after the three
        # doors an answer shows (a victim may not say so).
        pytest.param(
            _roles(),
            ["police", "victim-support", "couple-counselling", "perpetrators-service"],
            id="unknown",
        ),
        pytest.param(
            _roles("parent"),
            ["police", "victim-support", "couple-counselling", "perpetrators-service"],
            id="parent-side-unknown",
        ),
    ],
)
def test_a_service_for_the_opposite_role_is_never_ranked(
    roles: QuestionRoles, expected: list[str]
) -> None:
    ranked = _hits("perpetrators-service", "police", "victim-support", "couple-counselling")
    assert _ids(apply_roles(ranked, RECORDS, roles)) == expected


def test_the_filter_keeps_hits_without_a_record_and_scores_as_they_are() -> None:
    ranked = _hits("unknown-id", "perpetrators-service", "victim-support")
    kept = apply_roles(ranked, RECORDS, _roles("victim"))
    assert _ids(kept) == ["unknown-id", "victim-support"]
    assert [h.score for h in kept] == [ranked[0].score, ranked[2].score]


def test_protected_first_keeps_three_open_doors_before_a_closed_one() -> None:
    ranked = _hits("police", "victim-support", "perpetrators-service")
    assert _ids(protected_first(ranked, RECORDS)) == _ids(ranked)  # already after the open ones
    second = _hits("victim-support", "perpetrators-service", "police", "couple-counselling")
    assert _ids(protected_first(second, RECORDS)) == [
        "victim-support",
        "police",
        "couple-counselling",
        "perpetrators-service",
    ]
    without = _hits("perpetrators-service", "police")
    assert _ids(protected_first(without, RECORDS)) == ["perpetrators-service", "police"]


def test_is_opposed_reads_not_for_only() -> None:
    support = RECORDS["victim-support"]
    assert is_opposed(support, _roles("perpetrator"))
    assert not is_opposed(support, _roles("relative"))  # served, not opposed
    assert not is_opposed(support, _roles("parent"))  # not named either way
    assert not is_opposed(RECORDS["police"], _roles("perpetrator"))
    assert not is_opposed(None, _roles("victim"))
