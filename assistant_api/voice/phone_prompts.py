"""What the hotline says around the answer, per language, and how it hears "a person, please".

Prompts exist in the six languages of the keypad menu; a caller who speaks another language
(detected by Whisper) hears the answer itself in their language and these prompts in French,
the canton's language. The greeting is French, with each menu choice said in its own language.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = [
    "MENU_LANGUAGES",
    "PROMPTS",
    "SAY_LANGUAGES",
    "PhonePrompts",
    "prompts_for",
    "wants_person",
]


@dataclass(frozen=True, slots=True)
class PhonePrompts:
    ask: str
    not_understood: str
    replay: str
    sms_option: str
    another: str
    person_option: str
    sms_sent: str
    sms_failed: str
    handoff: str
    no_handoff: str
    unavailable: str
    goodbye: str


#: Keypad digit → language; 0 is a person, no key (timeout) is "speak in any language".
MENU_LANGUAGES: dict[str, str] = {"1": "fr", "2": "de", "3": "it", "4": "en", "5": "pt", "6": "es"}
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

GREETING = (
    "Bonjour, vous êtes sur Permanence, l'assistant automatique qui vous oriente vers les "
    "services sociaux et de santé du canton de Neuchâtel. En cas d'urgence, raccrochez et "
    "appelez le cent quarante-quatre."
)
#: Each choice said in its own language (digit, tag, text).
MENU_CHOICES: tuple[tuple[str, str, str], ...] = (
    ("1", "fr-FR", "Pour le français, appuyez sur 1."),
    ("2", "de-DE", "Für Deutsch drücken Sie die 2."),
    ("3", "it-IT", "Per l'italiano premete il 3."),
    ("4", "en-GB", "For English, press 4."),
    ("5", "pt-PT", "Para português, prima 5."),
    ("6", "es-ES", "Para español, pulse 6."),
)
ANY_LANGUAGE = "Ou attendez le bip et parlez dans votre langue."
PERSON_CHOICE = "Pour parler à une personne, appuyez sur 0."

PROMPTS: dict[str, PhonePrompts] = {
    "fr": PhonePrompts(
        ask="Posez votre question après le bip, puis appuyez sur dièse.",
        not_understood="Je n'ai pas bien entendu votre question. Essayons encore une fois.",
        replay="Pour réécouter la réponse, appuyez sur 1.",
        sms_option="Pour recevoir les contacts par SMS, appuyez sur 2.",
        another="Pour poser une autre question, appuyez sur 3.",
        person_option="Pour parler à une personne, appuyez sur 0.",
        sms_sent="Les contacts vous ont été envoyés par SMS.",
        sms_failed="L'envoi du SMS n'a pas fonctionné. Je vous relis la réponse.",
        handoff="Je vous passe une personne. Si la ligne coupe, appelez le {number}.",
        no_handoff=(
            "Personne ne peut répondre sur cette ligne pour le moment. En cas d'urgence, "
            "appelez le cent quarante-quatre. Pour parler à quelqu'un jour et nuit, "
            "La Main Tendue répond au cent quarante-trois."
        ),
        unavailable="Le service vocal n'est pas disponible pour le moment.",
        goodbye="Merci de votre appel. Au revoir.",
    ),
    "de": PhonePrompts(
        ask="Stellen Sie Ihre Frage nach dem Signalton und drücken Sie dann die Raute.",
        not_understood="Ich habe Ihre Frage nicht verstanden. Versuchen wir es noch einmal.",
        replay="Um die Antwort noch einmal zu hören, drücken Sie die 1.",
        sms_option="Um die Kontakte per SMS zu erhalten, drücken Sie die 2.",
        another="Für eine weitere Frage drücken Sie die 3.",
        person_option="Um mit einer Person zu sprechen, drücken Sie die 0.",
        sms_sent="Die Kontakte wurden Ihnen per SMS geschickt.",
        sms_failed="Die SMS konnte nicht gesendet werden. Ich lese die Antwort noch einmal vor.",
        handoff="Ich verbinde Sie mit einer Person. Falls die Verbindung abbricht: {number}.",
        no_handoff=(
            "Im Moment kann niemand auf dieser Linie antworten. Im Notfall wählen Sie 144. "
            "Die Dargebotene Hand ist Tag und Nacht unter 143 erreichbar."
        ),
        unavailable="Der Sprachdienst ist im Moment nicht verfügbar.",
        goodbye="Danke für Ihren Anruf. Auf Wiederhören.",
    ),
    "it": PhonePrompts(
        ask="Faccia la sua domanda dopo il segnale acustico, poi prema cancelletto.",
        not_understood="Non ho capito la sua domanda. Riproviamo.",
        replay="Per riascoltare la risposta, prema 1.",
        sms_option="Per ricevere i contatti via SMS, prema 2.",
        another="Per un'altra domanda, prema 3.",
        person_option="Per parlare con una persona, prema 0.",
        sms_sent="I contatti le sono stati inviati via SMS.",
        sms_failed="L'SMS non è stato inviato. Le rileggo la risposta.",
        handoff="La passo a una persona. Se la linea cade, chiami il {number}.",
        no_handoff=(
            "Al momento nessuno può rispondere su questa linea. In caso di emergenza chiami "
            "il 144. Telefono Amico risponde giorno e notte al 143."
        ),
        unavailable="Il servizio vocale non è disponibile al momento.",
        goodbye="Grazie per la chiamata. Arrivederci.",
    ),
    "en": PhonePrompts(
        ask="Ask your question after the beep, then press the hash key.",
        not_understood="I did not catch your question. Let us try again.",
        replay="To hear the answer again, press 1.",
        sms_option="To receive the contacts by text message, press 2.",
        another="To ask another question, press 3.",
        person_option="To speak to a person, press 0.",
        sms_sent="The contacts have been sent to you by text message.",
        sms_failed="The text message could not be sent. Here is the answer again.",
        handoff="I am transferring you to a person. If the line drops, call {number}.",
        no_handoff=(
            "Nobody can answer on this line right now. In an emergency, call 144. "
            "To talk to someone day and night, call La Main Tendue on 143."
        ),
        unavailable="The voice service is not available right now.",
        goodbye="Thank you for calling. Goodbye.",
    ),
    "pt": PhonePrompts(
        ask="Faça a sua pergunta depois do sinal e prima cardinal.",
        not_understood="Não percebi a sua pergunta. Vamos tentar outra vez.",
        replay="Para ouvir a resposta outra vez, prima 1.",
        sms_option="Para receber os contactos por SMS, prima 2.",
        another="Para fazer outra pergunta, prima 3.",
        person_option="Para falar com uma pessoa, prima 0.",
        sms_sent="Os contactos foram-lhe enviados por SMS.",
        sms_failed="O SMS não foi enviado. Vou ler a resposta outra vez.",
        handoff="Vou passá-lo a uma pessoa. Se a chamada cair, ligue para {number}.",
        no_handoff=(
            "De momento ninguém pode atender nesta linha. Em caso de urgência, ligue 144. "
            "Para falar com alguém dia e noite, La Main Tendue atende no 143."
        ),
        unavailable="O serviço de voz não está disponível de momento.",
        goodbye="Obrigado pela sua chamada. Adeus.",
    ),
    "es": PhonePrompts(
        ask="Haga su pregunta después de la señal y pulse almohadilla.",
        not_understood="No he entendido su pregunta. Intentémoslo otra vez.",
        replay="Para escuchar la respuesta otra vez, pulse 1.",
        sms_option="Para recibir los contactos por SMS, pulse 2.",
        another="Para hacer otra pregunta, pulse 3.",
        person_option="Para hablar con una persona, pulse 0.",
        sms_sent="Le hemos enviado los contactos por SMS.",
        sms_failed="No se pudo enviar el SMS. Le leo otra vez la respuesta.",
        handoff="Le paso con una persona. Si se corta la llamada, llame al {number}.",
        no_handoff=(
            "Ahora nadie puede atender en esta línea. En caso de urgencia, llame al 144. "
            "Para hablar con alguien de día y de noche, La Main Tendue atiende en el 143."
        ),
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


def prompts_for(language: str) -> tuple[str, PhonePrompts]:
    """The prompt language actually used (French when ``language`` has none) and its prompts."""
    used = language if language in PROMPTS else "fr"
    return used, PROMPTS[used]
