"""The asker's commune is where they live, when a question also names where they work."""

from __future__ import annotations

import pytest

from assistant_api.answer.communes import CommuneDirectory
from ingest.corpus import load_communes


@pytest.fixture(scope="module")
def communes() -> CommuneDirectory:
    return CommuneDirectory(load_communes())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the workplace is named first, the home after a residence cue
        ("Une personne travaille à Neuchâtel mais habite au Landeron.", "Le Landeron"),
        ("Ich arbeite in La Chaux-de-Fonds, wohne aber in Le Locle.", "Le Locle"),
        ("I work in Neuchâtel but I live in Couvet.", "Val-de-Travers"),
        ("Lavoro a Neuchâtel ma abito a Cortaillod.", "Cortaillod"),
        # home first: unchanged
        ("J'habite à Boudry et je travaille à Neuchâtel.", "Boudry"),
        # no cue at all: the first place named, as before
        ("Je suis de Bevaix.", "La Grande Béroche"),
    ],
)
def test_the_home_wins_over_the_workplace(
    communes: CommuneDirectory, text: str, expected: str
) -> None:
    assert communes.find_in_text(text) == expected


def test_no_place_no_commune(communes: CommuneDirectory) -> None:
    assert communes.find_in_text("Je vis seule et je n'ai plus d'argent.") is None
