"""What the hotline says around the answer, per language, and how it hears "a person, please".

Prompts exist in the six languages of the keypad menu; a caller who speaks another language
(detected by Whisper) hears the answer itself in their language and these prompts in French,
the canton's language. The greeting is French, with each menu choice said in its own language.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = [
    "GREETING",
    "MENU_CHOICES",
    "MENU_FALLBACK",
    "PROMPTS",
    "SAY_LANGUAGES",
    "PhonePrompts",
    "chosen_language",
    "prompts_for",
    "wants_person",
]


@dataclass(frozen=True, slots=True)
class PhonePrompts:
    """The platform's ``<Say>`` prompts of one language (``call_actions.Say`` names a field).

    ``{number}`` is a phone number written for the voice, ``{hours}`` the hand-off's hours
    sentence (``queue_hours`` filled in, or nothing when none are configured).
    """

    ask: str
    not_understood: str
    invalid_key: str
    sms_sent: str
    sms_failed: str
    handoff: str
    queue: str
    queue_hours: str
    connecting: str
    dial_failed: str
    unavailable: str
    goodbye: str


#: Language tags for the platform's own <Say> voices.
SAY_LANGUAGES: dict[str, str] = {
    "fr": "fr-FR",
    "de": "de-DE",
    "it": "it-IT",
    "en": "en-GB",
    "pt": "pt-PT",
    "es": "es-ES",
    "ru": "ru-RU",
    "tr": "tr-TR",
    "ar": "arb",
}

#: The first prompt of a call, in French (the canton's language): who answers, 144, and that
#: the caller can speak at once. The keypad menu follows, each choice in its own language.
GREETING = (
    "Bonjour, ici Permanence, l'orientation sociale et santé du canton de Neuchâtel. "
    "En danger, appelez le cent quarante-quatre. Après le bip, posez votre question dans "
    "votre langue, ou choisissez une langue."
)
#: The keypad menu, each choice in its own language (language, text): one synthesised prompt.
MENU_CHOICES: tuple[tuple[str, str], ...] = (
    ("fr", "Français, 1."),
    ("de", "Deutsch, 2."),
    ("it", "Italiano, 3."),
    ("en", "English, 4."),
    ("pt", "Português, 5."),
    ("es", "Español, 6."),
    ("fr", "Une personne, 0."),
)
#: The menu as one French ``<Say>`` when it cannot be synthesised.
MENU_FALLBACK = (
    "Français, 1. Deutsch, 2. Italiano, 3. English, 4. Português, 5. Español, 6. Une personne, 0."
)

PROMPTS: dict[str, PhonePrompts] = {
    "fr": PhonePrompts(
        ask="Posez votre question après le bip, puis appuyez sur dièse.",
        not_understood="Je n'ai pas bien entendu votre question. Essayons encore une fois.",
        invalid_key="Cette touche ne correspond à aucun choix.",
        sms_sent="Les numéros vous ont été envoyés par SMS.",
        sms_failed="L'envoi du SMS n'a pas fonctionné.",
        handoff="Je vous passe une personne. Si la ligne coupe, appelez le {number}.",
        queue=(
            "Personne ne peut vous répondre en ce moment. {hours}En danger, appelez le cent "
            "quarante-quatre. Pour parler à quelqu'un jour et nuit, appuyez sur 1 : La Main "
            "Tendue, le cent quarante-trois. Pour poser une question, appuyez sur 3 ou restez en "
            "ligne."
        ),
        queue_hours="Une personne répond {when}. ",
        connecting="Je vous mets en relation avec le {number}.",
        dial_failed="L'appel n'a pas pu être établi. Raccrochez et composez le {number}.",
        unavailable="Le service vocal n'est pas disponible pour le moment.",
        goodbye="Merci de votre appel. Au revoir.",
    ),
    "de": PhonePrompts(
        ask="Stellen Sie Ihre Frage nach dem Signalton und drücken Sie dann die Raute.",
        not_understood="Ich habe Ihre Frage nicht verstanden. Versuchen wir es noch einmal.",
        invalid_key="Diese Taste gehört zu keiner Auswahl.",
        sms_sent="Die Nummern wurden Ihnen per SMS geschickt.",
        sms_failed="Die SMS konnte nicht gesendet werden.",
        handoff="Ich verbinde Sie mit einer Person. Falls die Verbindung abbricht: {number}.",
        queue=(
            "Im Moment kann niemand Ihren Anruf entgegennehmen. {hours}Im Notfall wählen Sie 144."
            " Um Tag und Nacht mit jemandem zu reden, drücken Sie die 1: Die Dargebotene Hand, "
            "143. Für eine Frage drücken Sie die 3 oder bleiben Sie am Apparat."
        ),
        queue_hours="Eine Person antwortet {when}. ",
        connecting="Ich verbinde Sie mit der {number}.",
        dial_failed="Die Verbindung kam nicht zustande. Legen Sie auf und wählen Sie die {number}.",
        unavailable="Der Sprachdienst ist im Moment nicht verfügbar.",
        goodbye="Danke für Ihren Anruf. Auf Wiederhören.",
    ),
    "it": PhonePrompts(
        ask="Faccia la sua domanda dopo il segnale acustico, poi prema cancelletto.",
        not_understood="Non ho capito la sua domanda. Riproviamo.",
        invalid_key="Questo tasto non corrisponde a nessuna scelta.",
        sms_sent="I numeri le sono stati inviati via SMS.",
        sms_failed="L'SMS non è stato inviato.",
        handoff="La passo a una persona. Se la linea cade, chiami il {number}.",
        queue=(
            "Al momento nessuno può rispondere. {hours}In caso di emergenza chiami il 144. Per "
            "parlare con qualcuno giorno e notte, prema 1: Telefono Amico, 143. Per fare una "
            "domanda, prema 3 o resti in linea."
        ),
        queue_hours="Una persona risponde {when}. ",
        connecting="La collego al {number}.",
        dial_failed="La chiamata non è riuscita. Riagganci e chiami il {number}.",
        unavailable="Il servizio vocale non è disponibile al momento.",
        goodbye="Grazie per la chiamata. Arrivederci.",
    ),
    "en": PhonePrompts(
        ask="Ask your question after the beep, then press the hash key.",
        not_understood="I did not catch your question. Let us try again.",
        invalid_key="That key is not one of the choices.",
        sms_sent="The numbers have been sent to you by text message.",
        sms_failed="The text message could not be sent.",
        handoff="I am transferring you to a person. If the line drops, call {number}.",
        queue=(
            "Nobody can take your call right now. {hours}In an emergency, call 144. To talk to "
            "someone day and night, press 1 for La Main Tendue, 143. To ask a question, press 3 "
            "or stay on the line."
        ),
        queue_hours="A person answers {when}. ",
        connecting="I am connecting you to {number}.",
        dial_failed="The call could not be connected. Hang up and dial {number}.",
        unavailable="The voice service is not available right now.",
        goodbye="Thank you for calling. Goodbye.",
    ),
    "pt": PhonePrompts(
        ask="Faça a sua pergunta depois do sinal e prima cardinal.",
        not_understood="Não percebi a sua pergunta. Vamos tentar outra vez.",
        invalid_key="Essa tecla não corresponde a nenhuma opção.",
        sms_sent="Os números foram-lhe enviados por SMS.",
        sms_failed="O SMS não foi enviado.",
        handoff="Vou passá-lo a uma pessoa. Se a chamada cair, ligue para {number}.",
        queue=(
            "De momento ninguém pode atender. {hours}Em caso de urgência, ligue 144. Para falar "
            "com alguém dia e noite, prima 1: La Main Tendue, 143. Para fazer uma pergunta, prima"
            " 3 ou fique em linha."
        ),
        queue_hours="Uma pessoa atende {when}. ",
        connecting="Vou ligá-lo ao {number}.",
        dial_failed="Não foi possível ligar. Desligue e marque {number}.",
        unavailable="O serviço de voz não está disponível de momento.",
        goodbye="Obrigado pela sua chamada. Adeus.",
    ),
    "es": PhonePrompts(
        ask="Haga su pregunta después de la señal y pulse almohadilla.",
        not_understood="No he entendido su pregunta. Intentémoslo otra vez.",
        invalid_key="Esa tecla no corresponde a ninguna opción.",
        sms_sent="Le hemos enviado los números por SMS.",
        sms_failed="No se pudo enviar el SMS.",
        handoff="Le paso con una persona. Si se corta la llamada, llame al {number}.",
        queue=(
            "Ahora nadie puede atenderle. {hours}En caso de urgencia, llame al 144. Para hablar "
            "con alguien de día y de noche, pulse 1: La Main Tendue, 143. Para hacer una "
            "pregunta, pulse 3 o no cuelgue."
        ),
        queue_hours="Una persona atiende {when}. ",
        connecting="Le comunico con el {number}.",
        dial_failed="No se pudo establecer la llamada. Cuelgue y marque el {number}.",
        unavailable="El servicio de voz no está disponible en este momento.",
        goodbye="Gracias por su llamada. Adiós.",
    ),
}

#: Folded phrases meaning "let me talk to a human", checked on short transcripts only.
_PERSON_PHRASES: tuple[str, ...] = (
    "parler a quelqu'un",
    "parler a une personne",
    "une vraie personne",
    "un humain",
    "un conseiller",
    "une conseillere",
    "operateur",
    "operatrice",
    "operator",
    "a person",
    "a human",
    "real person",
    "talk to someone",
    "speak to someone",
    "mit jemandem sprechen",
    "mit einem menschen",
    "einen menschen",
    "mitarbeiter",
    "parlare con qualcuno",
    "una persona",
    "operatore",
    "hablar con alguien",
    "falar com alguem",
    "uma pessoa",
)
#: A request for a person is short; a long question mentioning "un conseiller" is a question.
_PERSON_MAX_WORDS = 12


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def wants_person(transcript: str) -> bool:
    """Whether the caller asked to speak to a person rather than asking a question."""
    folded = _fold(transcript)
    if len(folded.split()) > _PERSON_MAX_WORDS:
        return False
    return any(phrase in folded for phrase in _PERSON_PHRASES)


#: Folded names of a language, as a caller choosing it by voice says them (in that language,
#: in French or in English).
_LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "fr": ("francais", "french", "franzosisch", "franzoesisch"),
    "de": ("deutsch", "german", "allemand", "tedesco", "aleman", "alemao"),
    "it": ("italiano", "italian", "italien", "italienisch"),
    "en": ("english", "anglais", "englisch", "inglese", "ingles"),
    "pt": ("portugues", "portuguese", "portugais", "portugiesisch", "portoghese"),
    "es": ("espanol", "spanish", "espagnol", "spanisch", "spagnolo", "castellano"),
    "ar": ("arabic", "arabe", "arabisch", "العربية", "عربي", "عربى"),
    "uk": ("ukrainian", "ukrainien", "українська", "украинский"),
    "ru": ("russian", "russe", "russisch", "русский", "по-русски"),
    "fa": ("persian", "farsi", "persan", "فارسی", "دری"),
    "sq": ("albanian", "albanais", "shqip", "shqipe"),
    "tr": ("turkish", "turc", "turkce", "turkisch"),
    "ti": ("tigrinya", "tigrigna", "ትግርኛ"),
}
#: A language chosen by voice is a name alone, or with a word or two ("English please").
_CHOICE_MAX_WORDS = 3


def chosen_language(transcript: str) -> str | None:
    """The language a short utterance names ("Deutsch", "en français"), or ``None``."""
    words = [w.strip(".,!?;:¿¡،؟") for w in _fold(transcript).split()]
    words = [w for w in words if w]
    if not words or len(words) > _CHOICE_MAX_WORDS:
        return None
    found = {code for code, names in _LANGUAGE_NAMES.items() for w in words if w in names}
    return found.pop() if len(found) == 1 else None


def prompts_for(language: str) -> tuple[str, PhonePrompts]:
    """The prompt language actually used (French when ``language`` has none) and its prompts."""
    used = language if language in PROMPTS else "fr"
    return used, PROMPTS[used]
