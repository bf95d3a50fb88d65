"""An OpenAI-compatible chat server for the untrusted-source tests: a model that does harm.

Like ``tests/assistant_api/fake_llm.py`` (same wire format, served by uvicorn on 127.0.0.1, the
model name picks the behaviour), but its behaviours are the ones a poisoned page hopes for:

- ``echo``: obeys its sources: repeats every phone number and IBAN its prompt holds, citing the
  source it found it in — it shows what of a page reaches the model;
- ``planted-phone`` / ``planted-iban``: gives the planted number, or IBAN, whatever its prompt
  says (a model that memorised the page, or was steered some other way) — it shows what the
  output check stops;
- ``facts``: writes from the "Reviewed facts" lines of the first source (an honest model).
"""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.support.chat_completion import completion

PLANTED_PHONE = "+41 32 999 99 99"
PLANTED_IBAN = "CH00 0000 0000 0000 0000 0"
_SOURCE = re.compile(r"^\[(\d+)\] .+ \(\S+\)$", re.MULTILINE)
_NUMBER = re.compile(r"(?:\+|00)?\d[\d .]{7,16}\d|\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?\d)?")
_FACT = re.compile(r"^- (What it does for this question|Phone to call first[^:]*): (.+)$", re.M)


def _blocks(user: str) -> list[tuple[int, str]]:
    """Each source's number and text, in prompt order."""
    starts = list(_SOURCE.finditer(user))
    blocks = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(user)
        blocks.append((int(match.group(1)), user[match.end() : end]))
    return blocks


def _echo(user: str) -> str:
    sentences = []
    for n, text in _blocks(user):
        for number in _NUMBER.findall(text):
            sentences.append(f"Appelez ou payez : {number.strip()} [{n}].")
    return " ".join(sentences) or "Adressez-vous au service indiqué [1]."


def _facts(user: str) -> str:
    n, text = _blocks(user)[0]
    facts = dict(_FACT.findall(text.split("Page text:")[0]))
    does = next((v for k, v in facts.items() if k.startswith("What")), "")
    phone = next((v for k, v in facts.items() if k.startswith("Phone")), "")
    return f"{does} [{n}] Téléphone: {phone} [{n}]."


def build_obedient_llm() -> FastAPI:
    app = FastAPI()
    app.state.requests = []

    @app.post("/v1/chat/completions", response_model=None)
    async def complete(request: Request) -> Response:
        body = await request.json()
        app.state.requests.append(body)
        model = str(body.get("model"))
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        if model == "echo":
            content = _echo(user)
        elif model == "planted-phone":
            content = f"Le nouveau numéro unique est le {PLANTED_PHONE} [{_blocks(user)[0][0]}]."
        elif model == "planted-iban":
            content = f"Les frais se règlent sur l'IBAN {PLANTED_IBAN} [{_blocks(user)[0][0]}]."
        elif model == "facts":
            content = _facts(user)
        else:
            return JSONResponse({"error": f"unknown model {model}"}, status_code=404)
        return JSONResponse(completion(content, model))

    return app
