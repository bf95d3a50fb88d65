"""Wire the voice channel into an app: routers, readiness in ``/health``, background loading.

``create_app`` calls :func:`install_voice` once. Loading starts when the app's lifespan starts
(the existing lifespan is wrapped, not replaced), in a daemon thread, so the API serves text
questions at once and ``/health`` shows ``components.voice`` going from ``loading`` to
``ready`` (or ``unavailable: <reason>``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from assistant_api.voice.audio import AudioLimits
from assistant_api.voice.audio_store import AudioStore
from assistant_api.voice.channel import VoiceChannel
from assistant_api.voice.routes import router as voice_router
from assistant_api.voice.telephony import router as telephony_router
from assistant_api.voice.transcriber import Transcriber
from assistant_api.voice.tts import Synthesizer
from permanence.settings import Settings

__all__ = ["LOADER_JOIN_TIMEOUT_S", "build_channel", "install_voice"]

#: Seconds shutdown waits for a Whisper load still in progress (a load takes 1–10 s).
LOADER_JOIN_TIMEOUT_S = 60.0


def build_channel(settings: Settings, *, app: FastAPI | None = None) -> VoiceChannel:
    """The voice channel configured by ``settings``; status updates go to ``app`` if given."""
    model_dir = settings.whisper_model_dir or settings.data_dir / "models" / "whisper-base"

    def on_status(status: str) -> None:
        if app is None:
            return
        components = getattr(app.state, "components", None)
        if components is None:
            components = {}
            app.state.components = components
        components["voice"] = status

    return VoiceChannel(
        model_dir=model_dir,
        transcriber=Transcriber(model_dir, threads=settings.whisper_threads),
        synthesizer=Synthesizer(),
        limits=AudioLimits(
            max_bytes=settings.voice_max_bytes, max_seconds=settings.voice_max_seconds
        ),
        store=AudioStore(),
        on_status=on_status,
        enabled=settings.voice_enabled,
    )


def install_voice(app: FastAPI, settings: Settings) -> VoiceChannel:
    """Add the voice and telephony routes to ``app`` and load Whisper when the app starts."""
    channel = build_channel(settings, app=app)
    app.state.voice = channel
    app.include_router(voice_router)
    app.include_router(telephony_router)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[object]:
        channel.start_loading()
        try:
            async with inner(application) as state:
                yield state
        finally:
            # Never leave the loader running into interpreter shutdown (native threads).
            await run_in_threadpool(channel.wait_ready, LOADER_JOIN_TIMEOUT_S)

    # Starlette types this as "yields None or a state mapping"; we pass through the inner one's.
    app.router.lifespan_context = lifespan  # type: ignore[assignment]
    return channel
