"""The side classifier behind the role lexicon: which side of violence the asker is on.

Every question here is written for this file (none is in the gold sets, the prototypes or the
lexicon), so these tests check that the reading generalises; the models are the real USE (the
tiny runtime's) and e5.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant_api.runtime import AssistantRuntime, build_role_recognizer
from assistant_api.triage.language import SUPPORTED_LANGUAGES
from assistant_api.triage.role_sides import RolePrototypes
from assistant_api.triage.roles import CLASSIFIER_EVIDENCE, RoleRecognizer
from permanence.lexicon import LexiconError
from permanence.settings import Settings

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def recognizer(tiny_settings: Settings, tiny_runtime: AssistantRuntime) -> RoleRecognizer:
    built = build_role_recognizer(tiny_settings.prompts_dir, tiny_runtime.search_index.embedders)
    built.warm_up()
    return built


def test_the_prototypes_cover_every_language_on_every_side() -> None:
    prototypes = RolePrototypes.load(PROMPTS / "role_prototypes.yaml")
    assert min(len(prototypes.perpetrator), len(prototypes.victim), len(prototypes.other)) >= 50
    import yaml

    data = yaml.safe_load((PROMPTS / "role_prototypes.yaml").read_text(encoding="utf-8"))
    for side in ("perpetrator", "victim", "other"):
        assert set(data[side]) == set(SUPPORTED_LANGUAGES), side


def test_a_side_without_sentences_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "role_prototypes.yaml"
    path.write_text("perpetrator: {fr: [un]}\nvictim: {fr: [deux]}\nother: {}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="other need at least one sentence"):
        RolePrototypes.load(path)


SIDES = [
    # phrasings the lexicon does not list: the classifier reads the side
    pytest.param(
        "I keep scaring my wife when I lose my temper and I need someone to teach me to stop",
        "perpetrator",
        id="en-scaring-my-wife",
    ),
    pytest.param(
        "He follows me everywhere and sends me threats every night, I'm scared to go out",
        "victim",
        id="en-followed-and-threatened",
    ),
    pytest.param(
        "Il garde tout mon argent et je n'ai pas le droit de sortir seule",
        "victim",
        id="fr-money-kept",
    ),
]


@pytest.mark.parametrize(("question", "side"), SIDES)
def test_the_classifier_reads_a_side_the_lexicon_misses(
    recognizer: RoleRecognizer, question: str, side: str
) -> None:
    assert not recognizer.recognise(question, read_side=False).roles & {"victim", "perpetrator"}
    roles = recognizer.recognise(question)
    assert side in roles.roles
    assert any(e.startswith(CLASSIFIER_EVIDENCE) for r, e in roles.evidence if r == side)


#: Sides it does not read (written with the cases above, before they were scored): embeddings
#: catch what a question is about better than who does what to whom ("ma compagne a peur de
#: moi" sits near the victims' sentences). The rule that matters holds: unsure is no side, never
#: the opposite one, so nothing the asker needs is hidden.
UNREAD = [
    pytest.param(
        "Depuis des mois je perds mes moyens et ma compagne a peur de moi, je veux me faire aider",
        "perpetrator",
        id="fr-partner-afraid-of-me",
    ),
    pytest.param(
        "Depuis notre mariage il me prend mon salaire et m'interdit de voir mes amies",
        "victim",
        id="fr-salary-taken",
    ),
]


@pytest.mark.parametrize(("question", "side"), UNREAD)
def test_an_unsure_reading_is_no_side_never_the_opposite_one(
    recognizer: RoleRecognizer, question: str, side: str
) -> None:
    opposite = {"victim": "perpetrator", "perpetrator": "victim"}[side]
    assert opposite not in recognizer.recognise(question).roles


NO_SIDE = [
    pytest.param("Je cherche une aide pour payer mon loyer ce mois-ci", id="fr-rent"),
    pytest.param("Meine Mutter braucht Hilfe im Haushalt nach der Operation", id="de-care"),
    pytest.param(
        "Nous organisons une formation sur la violence conjugale pour notre équipe",
        id="fr-training-on-violence",
    ),
    pytest.param("My husband and I argue about money, we want couple counselling", id="en-argue"),
]


@pytest.mark.parametrize("question", NO_SIDE)
def test_questions_about_something_else_get_no_side(
    recognizer: RoleRecognizer, question: str
) -> None:
    assert not recognizer.recognise(question).roles & {"victim", "perpetrator"}


def test_the_lexicon_decides_alone_when_it_names_a_side(recognizer: RoleRecognizer) -> None:
    roles = recognizer.recognise("mon mari me frappe, il dit que c'est de ma faute")
    assert "victim" in roles.roles
    assert not any(e.startswith(CLASSIFIER_EVIDENCE) for _, e in roles.evidence)


def test_no_side_is_read_when_it_is_not_at_stake(recognizer: RoleRecognizer) -> None:
    question = SIDES[0].values[0]
    assert isinstance(question, str)
    assert not recognizer.recognise(question, read_side=False).roles & {"perpetrator"}
