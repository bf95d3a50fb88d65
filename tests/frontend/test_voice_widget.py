"""Voice in the widget: a spoken question through the fake microphone, answered and read aloud.

The microphone plays a sentence synthesised by espeak-ng (the voice channel's own TTS engine),
so the whole path runs for real: MediaRecorder (webm/opus) → ``POST /v1/voice?speak=1`` →
Whisper → the assistant → the transcript and the answer in the conversation, with the server's
spoken answer behind the speaker button.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import wave
from pathlib import Path

import httpx
import pytest

from tests.frontend.browser import (
    BrowserFactory,
    screenshot,
    shadow_query,
    shadow_query_all,
    wait_for,
)
from tests.frontend.widget_page import open_demo_page

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("espeak-ng") is None or shutil.which("sox") is None,
        reason="needs espeak-ng and sox (apt-get install -y espeak-ng sox)",
    ),
]

#: A sentence the voice channel's own tests found whisper-base transcribes well from espeak-ng.
SPOKEN = (
    "Bonjour. Je suis au chômage depuis le mois dernier. "
    "Je cherche du travail dans le canton de Neuchâtel."
)
#: Whisper loads in the background at start-up; on 2 cores this takes well under this.
VOICE_READY_TIMEOUT_S = 240.0


def wait_voice_ready(base_url: str) -> str:
    deadline = time.monotonic() + VOICE_READY_TIMEOUT_S
    status = ""
    while time.monotonic() < deadline:
        components = httpx.get(f"{base_url}/health", timeout=10).json().get("components", {})
        status = str(components.get("voice", ""))
        if status == "ready" or status.startswith("unavailable"):
            return status
        time.sleep(1)
    return status


def test_spoken_question_is_answered_and_read_aloud(
    frontend_server: str, browser: BrowserFactory, tmp_path: Path
) -> None:
    status = wait_voice_ready(frontend_server)
    if status != "ready":
        pytest.skip(f"the voice channel is not ready on this machine: {status!r}")
    spoken = tmp_path / "question-22k.wav"
    subprocess.run(
        ["espeak-ng", "-v", "fr-ch", "-s", "130", "-w", str(spoken), SPOKEN],
        check=True,
        capture_output=True,
        timeout=60,
    )
    # Chromium's fake microphone runs at 48 kHz; give it a file at that rate, padded with a
    # second of silence so the recorder's start does not clip the first word.
    clip = tmp_path / "question.wav"
    subprocess.run(
        ["sox", str(spoken), "-r", "48000", "-c", "1", "-b", "16", str(clip), "pad", "1", "0"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    with wave.open(str(clip)) as handle:
        seconds = handle.getnframes() / handle.getframerate()

    with browser(microphone=clip) as driver:
        open_demo_page(driver, frontend_server)
        # Keep a copy of what /v1/voice answers, to compare the page with it exactly.
        driver.execute_script(
            "const original = window.fetch; window.voiceReply = null;"
            "window.fetch = function (url) {"
            "  return original.apply(this, arguments).then(r => {"
            "    if (String(url).includes('/v1/voice')) r.clone().json().then(j => {"
            "      window.voiceReply = j; });"
            "    return r; }); };"
        )
        mic = shadow_query(driver, "button.pw-mic")
        assert mic is not None and mic.is_displayed()
        mic.click()
        wait_for(driver, lambda d: mic.get_attribute("aria-pressed") == "true", timeout=10)
        time.sleep(seconds + 1.0)
        mic.click()
        wait_for(driver, lambda d: shadow_query_all(d, "article[data-kind]"), timeout=120)

        reply = wait_for(driver, lambda d: d.execute_script("return window.voiceReply"), 10)
        said = shadow_query_all(driver, ".pw-user p")
        assert [p.text for p in said] == [reply["transcript"].strip()]
        # The recording reached the server whole (the words Whisper hears from synthetic speech
        # recorded through Chromium vary with machine load, so they are not pinned here).
        assert reply["duration_s"] >= seconds
        answer = shadow_query_all(driver, "article[data-kind]")[0]
        assert answer.get_attribute("data-kind") == reply["result"]["kind"]
        assert answer.get_attribute("lang") == reply["result"]["language"] == "fr"
        cards = shadow_query_all(driver, "article[data-kind] .pw-card")
        assert [c.get_attribute("data-institution") for c in cards] == [
            i["id"] for i in reply["result"]["institutions"]
        ]
        assert reply["speech"]["audio_base64"]
        speaker = shadow_query(driver, "article[data-kind] button.pw-speak")
        assert speaker is not None
        assert speaker.get_attribute("data-source") == "server"
        screenshot(driver, "widget-voice-answer")
