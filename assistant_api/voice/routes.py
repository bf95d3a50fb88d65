"""``POST /v1/voice`` (spoken question → transcript + answer [+ spoken answer]) and
``GET /v1/voice/audio/{id}`` (a spoken answer, for players and telephony ``<Play>``)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from assistant_api.http.deps import get_services
from assistant_api.models import AskRequest, AskResponse
from assistant_api.voice.channel import VoiceAnswer, VoiceChannel
from assistant_api.voice.domain import VoiceDomain
from assistant_api.voice.errors import AudioRejected, VoiceError, VoiceUnavailable
from index import Glossary

__all__ = [
    "SpokenAnswer",
    "VoiceResponse",
    "get_channel",
    "raise_http",
    "router",
    "voice_domain",
]

logger = logging.getLogger(__name__)

router = APIRouter(tags=["voice"])

#: Multipart overhead allowed above the audio size limit before reading the body at all.
_MULTIPART_SLACK = 64 * 1024


class SpokenAnswer(BaseModel):
    """The answer read aloud."""

    text: str = Field(
        description="What was read: the answer written for the ear (at most two services, "
        "each number twice, when to call), then how to listen again."
    )
    voice: str
    format: Literal["wav", "mp3"]
    media_type: str
    duration_s: float
    audio_url: str = Field(description="Fetchable for 15 minutes.")
    audio_base64: str


class VoiceResponse(BaseModel):
    """``POST /v1/voice``: what was heard, and the assistant's full answer to it."""

    transcript: str
    language: str = Field(description="The language of the answer (the result's language).")
    heard_language: str = Field(description="The language Whisper identified.")
    language_probability: float
    duration_s: float
    result: AskResponse
    speech: SpokenAnswer | None = None
    read_back: str | None = Field(
        default=None,
        description="When the recognition was a guess: what was understood, as a sentence "
        "to show or say before the answer so the asker can correct it.",
    )
    timings_ms: dict[str, float] = Field(default_factory=dict)


def get_channel(request: Request) -> VoiceChannel:
    """The app's voice channel (503 while the app is starting)."""
    return get_services(request).voice


def voice_domain(request: Request) -> VoiceDomain:
    """The voice channel's knowledge of the running corpus (built once per records)."""
    services = get_services(request)
    runtime = services.runtime
    records = runtime.service.institutions

    def build() -> VoiceDomain:
        glossary = runtime.search_index.retriever.glossary or Glossary.from_file(
            services.settings.glossary_path
        )
        return VoiceDomain.load(
            glossary=glossary,
            glossary_path=services.settings.glossary_path,
            records=records,
            prompts_dir=services.settings.prompts_dir,
        )

    return services.voice.domain(records, build)


def raise_http(exc: VoiceError) -> HTTPException:
    """The HTTP error for a voice error (the one place that maps them)."""
    if isinstance(exc, AudioRejected):
        return HTTPException(exc.status_code, {"message": str(exc), "reason": exc.reason})
    if isinstance(exc, VoiceUnavailable):
        return HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, str(exc), headers={"Retry-After": "5"}
        )
    logger.error("voice failure: %s", exc)
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc))


async def read_upload(request: Request, file: UploadFile | None, max_bytes: int) -> bytes:
    """The uploaded bytes, refusing an absent field or an oversized body early."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + _MULTIPART_SLACK:
        raise HTTPException(
            413,
            {
                "message": f"the upload has {declared} bytes; the limit is {max_bytes} bytes",
                "reason": "too_large",
            },
        )
    if file is None:
        raise HTTPException(
            422,
            {
                "message": "send the recording as multipart/form-data in the field 'file'",
                "reason": "missing_file",
            },
        )
    return await file.read(max_bytes + 1)


def _ask_function(
    request: Request, conversation_id: str | None
) -> Callable[[AskRequest], AskResponse]:
    """The assistant in a conversation: a spoken follow-up ("I live in Le Locle") names the
    ``conversation_id`` of the answer before it, as a typed one does."""
    conversations = get_services(request).conversations

    def ask(question: AskRequest) -> AskResponse:
        return conversations.ask(question.model_copy(update={"conversation_id": conversation_id}))

    return ask


@router.post(
    "/v1/voice",
    response_model=VoiceResponse,
    responses={
        400: {"description": "empty upload"},
        413: {"description": "file too large or recording too long"},
        415: {"description": "not an accepted audio format"},
        422: {"description": "missing field, corrupt file, silence, noise only"},
        503: {"description": "speech recognition still loading"},
    },
)
async def voice(
    request: Request,
    file: Annotated[UploadFile | None, File(description="wav, ogg/opus, webm, mp3 or m4a")] = None,
    commune: Annotated[str | None, Form(max_length=80)] = None,
    language: Annotated[str | None, Form(pattern=r"^[a-z]{2,3}$")] = None,
    conversation_id: Annotated[
        str | None,
        Form(
            pattern=r"^[A-Za-z0-9_-]{16,64}$",
            description="result.conversation_id of the earlier answer, for a follow-up",
        ),
    ] = None,
    commune_q: Annotated[str | None, Query(alias="commune", max_length=80)] = None,
    language_q: Annotated[str | None, Query(alias="language", pattern=r"^[a-z]{2,3}$")] = None,
    speak: Annotated[bool, Query(description="also return the answer read aloud")] = False,
    audio_format: Annotated[Literal["wav", "mp3"], Query(alias="format")] = "wav",
) -> VoiceResponse:
    """Answer a spoken question; ``?speak=1`` adds the answer read aloud."""
    channel = get_channel(request)
    services = get_services(request)
    settings = services.settings
    data = await read_upload(request, file, channel.limits.max_bytes)
    ask = _ask_function(request, conversation_id)
    domain = voice_domain(request)
    try:
        answered: VoiceAnswer = await run_in_threadpool(
            channel.answer,
            data,
            ask=ask,
            language=language or language_q,
            commune=commune or commune_q,
            max_question_chars=settings.limits.max_question_chars,
            hints=domain.hints(language or language_q),
        )
        # Feedback may name this answer like a typed one (POST /v1/feedback checks the set).
        services.issued.add(answered.result.answer_id)
        spoken = None
        if speak:
            categories = domain.card_categories(answered.result, answered.transcript.text)
            spoken = await run_in_threadpool(
                channel.speak,
                answered.result,
                fmt=audio_format,
                categories=categories,
                does=domain.card_does(answered.result),
            )
    except VoiceError as exc:
        raise raise_http(exc) from exc
    except ValidationError as exc:
        raise HTTPException(422, str(exc)) from exc
    transcript = answered.transcript
    return VoiceResponse(
        transcript=transcript.text,
        language=answered.result.language,
        heard_language=transcript.language,
        language_probability=round(transcript.language_probability, 3),
        duration_s=round(transcript.duration_s, 2),
        result=answered.result,
        read_back=answered.read_back,
        speech=None
        if spoken is None
        else SpokenAnswer(
            text=spoken.text,
            voice=spoken.audio.voice,
            format="mp3" if spoken.audio.format == "mp3" else "wav",
            media_type=spoken.audio.media_type,
            duration_s=round(spoken.audio.duration_s, 2),
            audio_url=str(
                request.url_for(
                    "voice_audio", audio_id=f"{spoken.audio_id}.{spoken.audio.extension}"
                )
            ),
            audio_base64=base64.b64encode(spoken.audio.data).decode("ascii"),
        ),
        timings_ms=answered.timings_ms,
    )


@router.get("/v1/voice/audio/{audio_id}", name="voice_audio")
@router.head("/v1/voice/audio/{audio_id}", include_in_schema=False)
async def voice_audio(request: Request, audio_id: str) -> Response:
    """A spoken answer kept for 15 minutes after it was made."""
    channel = get_channel(request)
    audio = channel.store.get(audio_id.rsplit(".", 1)[0])
    if audio is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, "this audio expired or never existed; ask again"
        )
    body = b"" if request.method == "HEAD" else audio.data
    return Response(
        content=body,
        media_type=audio.media_type,
        headers={"Cache-Control": "private, max-age=900", "Content-Length": str(len(audio.data))},
    )
