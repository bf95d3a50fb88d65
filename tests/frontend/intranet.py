"""The professional-audience document and token of the front-end tests."""

from __future__ import annotations

__all__ = ["INTRANET_TEXT", "INTRANET_TITLE", "INTRANET_URL", "PRO_TOKEN"]

PRO_TOKEN = "pro-token-for-tests-0123456789"
INTRANET_URL = "https://intranet.example.test/procedures/signalement-enfance"
INTRANET_TITLE = "Procédure interne de signalement (enfance)"
#: Written for this test; deliberately about the one institution of the tiny corpus it names.
INTRANET_TEXT = (
    "Procédure interne pour les travailleurs sociaux. Lorsqu'un enfant semble en danger ou "
    "maltraité, la personne de référence remplit la fiche de signalement interne, en parle à sa "
    "cheffe d'équipe le jour même et transmet le signalement à l'Office de protection de "
    "l'enfant. Ce document est réservé au personnel et ne doit pas être montré au public."
)
