"""The read-back: "I understood: rent, Fleurier. Is that right?" in the caller's language.

When the matcher had to guess (it replaced a word) or Whisper was unsure of its own words, the
caller hears what was understood before the answer, so a wrong guess costs one keypad press
instead of a wrong list of services. What is read back is short on purpose: the need words and
places recognised in the transcript, in the words the caller's language uses for them; when
none was recognised, the first words of the transcript itself.

The sentences were written by the team's assistant, not by native speakers; none has been
checked by one (:data:`UNCHECKED_LANGUAGES` lists them all), and the ear phrases' rule applies:
remove a code only once a fluent speaker has read its sentence.
"""

from __future__ import annotations

from assistant_api.voice.normalise.matcher import TranscriptMatch

__all__ = [
    "CONFIRM_KEYS",
    "MIN_WORD_CONFIDENCE",
    "READ_BACK",
    "UNCHECKED_LANGUAGES",
    "confirm_sentence",
    "needs_read_back",
    "read_back",
]

#: ``{what}``: the recognised needs and places, or the transcript's first words.
READ_BACK: dict[str, str] = {
    "fr": "J'ai compris : {what}. Est-ce bien cela ?",
    "de": "Ich habe verstanden: {what}. Stimmt das?",
    "it": "Ho capito: {what}. È giusto?",
    "en": "I understood: {what}. Is that right?",
    "pt": "Entendi: {what}. Está certo?",
    "es": "He entendido: {what}. ¿Es correcto?",
    "ar": "فهمت: {what}. هل هذا صحيح؟",
    "uk": "Я зрозумів: {what}. Це правильно?",
    "ru": "Я понял: {what}. Это верно?",
    "fa": "متوجه شدم: {what}. درست است؟",
    "sq": "Kuptova: {what}. A është e saktë?",
    "tr": "Şunu anladım: {what}. Doğru mu?",
    "ti": "ዝተረዳእኩዎ: {what}። ቅኑዕ ድዩ?",
}
#: On the phone, after the read-back: how to say it was right (or just wait) or wrong.
#: ``{yes}`` and ``{again}`` are keypad digits (``call_flow.CONFIRM_YES_KEY``, ``…AGAIN_KEY``).
CONFIRM_KEYS: dict[str, str] = {
    "fr": "Si c'est juste, restez en ligne ou appuyez sur {yes}. Sinon, appuyez sur {again} "
    "et redites votre question.",
    "de": "Wenn das stimmt, bleiben Sie dran oder drücken Sie die {yes}. Sonst drücken Sie die "
    "{again} und sagen Sie Ihre Frage noch einmal.",
    "it": "Se è giusto, resti in linea o prema {yes}. Altrimenti prema {again} e ripeta la sua "
    "domanda.",
    "en": "If that is right, stay on the line or press {yes}. If not, press {again} and say your "
    "question again.",
    "pt": "Se estiver certo, fique em linha ou carregue no {yes}. Se não, carregue no {again} e "
    "repita a sua pergunta.",
    "es": "Si es correcto, siga en línea o pulse el {yes}. Si no, pulse el {again} y repita su "
    "pregunta.",
    "ar": "إذا كان هذا صحيحاً، ابقَ على الخط أو اضغط {yes}. وإلا فاضغط {again} وأعد سؤالك.",
    "uk": "Якщо так, залишайтеся на лінії або натисніть {yes}. Якщо ні, натисніть {again} і "
    "повторіть своє запитання.",
    "ru": "Если да, оставайтесь на линии или нажмите {yes}. Если нет, нажмите {again} и "
    "повторите свой вопрос.",
    "fa": "اگر درست است، پشت خط بمانید یا {yes} را فشار دهید. اگر نه، {again} را فشار دهید و "
    "سؤالتان را دوباره بگویید.",
    "sq": "Nëse është e saktë, qëndroni në linjë ose shtypni {yes}. Përndryshe, shtypni {again} "
    "dhe thoni përsëri pyetjen tuaj.",
    "tr": "Doğruysa hatta kalın ya da {yes} tuşuna basın. Değilse {again} tuşuna basın ve "
    "sorunuzu yeniden söyleyin.",
    "ti": "ቅኑዕ እንተኾይኑ ኣብ መስመር ጽንሑ ወይ {yes} ጠውቑ። እንተዘይኮይኑ {again} ጠውቑ እሞ ሕቶኹም ደጊምኩም ተዛረቡ።",
}
#: Every sentence above: none was read by a native speaker yet.
UNCHECKED_LANGUAGES: frozenset[str] = frozenset(READ_BACK) | frozenset(CONFIRM_KEYS)
#: Below this geometric mean of Whisper's token probabilities (exp of ``avg_logprob``, here
#: avg_logprob -0.7) the transcript is read back even when the matcher changed nothing. On 32
#: espeak-ng retrieval clips (16 kHz and 8 kHz, docs/voice.md) the 16 above it found a right
#: service in 13 cases, the 16 below it in 2: a low score is a transcript to confirm.
MIN_WORD_CONFIDENCE = 0.5
#: Words of the transcript read back when no need or place was recognised in it.
QUOTED_WORDS = 12
_SEPARATOR = {"ar": "، ", "fa": "، "}


def needs_read_back(
    match: TranscriptMatch,
    *,
    word_confidence: float = 1.0,
    min_word_confidence: float = MIN_WORD_CONFIDENCE,
) -> bool:
    """Whether to confirm before answering: the matcher guessed, or Whisper was unsure."""
    return bool(match.corrections) or word_confidence < min_word_confidence


def read_back(match: TranscriptMatch, language: str | None) -> str:
    """The sentence to say, in ``language`` (French, the canton's, when it has none)."""
    template = READ_BACK.get(language or "", READ_BACK["fr"])
    said: list[str] = []
    for term in match.found:
        if term.text not in said:
            said.append(term.text)
    if said:
        what = _SEPARATOR.get(language or "", ", ").join(said)
    else:
        words = match.text.split()
        what = " ".join(words[:QUOTED_WORDS]) + ("…" if len(words) > QUOTED_WORDS else "")
    return template.format(what=what.strip(" .?!"))


def confirm_sentence(language: str | None, *, yes: str, again: str) -> str:
    """The keys after the read-back on the phone, in ``language`` (French when it has none)."""
    template = CONFIRM_KEYS.get(language or "", CONFIRM_KEYS["fr"])
    return template.format(yes=yes, again=again)
