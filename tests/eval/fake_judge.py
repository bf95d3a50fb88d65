"""An OpenAI-compatible judge for the eval tests: the model name picks the behaviour.

Served by uvicorn on 127.0.0.1 (permanence/testing/servers.py); the judge client is not mocked.
Which metric is asked is read from the system prompt (prompts/judge/). Behaviours:

- ``rule``: a deterministic judge. Faithfulness: each sentence of the answer is a claim,
  supported when every word of 5+ letters in it occurs in the sources. Relevancy: the share of
  the question's 5+-letter words found in the answer, rounded to 2 decimals.
- ``fixed``: faithfulness 2 of 3 claims supported; relevancy 0.75 (inside a code fence).
- ``malformed``: prose instead of JSON. ``out-of-range``: score 1.5, claims without verdicts.
- ``slow``: the ``fixed`` reply after SLOW_SECONDS. ``flaky``: 503 on every odd request.
- ``error``: HTTP 500. ``garbage``: a body that is not JSON. Anything else: 404.
"""

from __future__ import annotations

import asyncio
import json
import re

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from tests.support.chat_completion import completion

SLOW_SECONDS = 1.0
_WORD = re.compile(r"[^\W\d_]{5,}")
_MARKER = re.compile(r"\[\d+\]")


def _section(text: str, name: str) -> str:
    """The text after ``NAME:`` up to the next upper-case heading or the end."""
    match = re.search(rf"^{name}:\n(.*?)(?=^\w+:\n|\Z)", text, re.MULTILINE | re.DOTALL)
    return match.group(1).strip() if match else ""


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def rule_faithfulness(user: str) -> str:
    sources = _words(_section(user, "SOURCES"))
    answer = _MARKER.sub("", _section(user, "ANSWER"))
    sentences = [s.strip() for s in re.split(r"[.!?]\s*", answer) if s.strip()]
    claims = [{"claim": s, "supported": _words(s) <= sources} for s in sentences]
    return json.dumps({"claims": claims}, ensure_ascii=False)


def rule_relevancy(user: str) -> str:
    question = _words(_section(user, "QUESTION"))
    answer = _words(_section(user, "ANSWER"))
    score = round(len(question & answer) / len(question), 2) if question else 0.0
    return json.dumps({"score": score, "reason": "word overlap"})


def _fixed(metric: str) -> str:
    if metric == "faithfulness":
        claims = [
            {"claim": "a", "supported": True},
            {"claim": "b", "supported": False},
            {"claim": "c", "supported": True},
        ]
        return json.dumps({"claims": claims})
    return '```json\n{"score": 0.75, "reason": "mostly on topic"}\n```'


def build_fake_judge() -> FastAPI:
    app = FastAPI()
    app.state.requests = []
    app.state.headers = []

    @app.post("/v1/chat/completions", response_model=None)
    async def complete(request: Request) -> Response:
        body = await request.json()
        app.state.requests.append(body)
        app.state.headers.append(dict(request.headers))
        model = str(body.get("model"))
        system = next(m["content"] for m in body["messages"] if m["role"] == "system")
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        metric = "faithfulness" if "claims" in system else "answer_relevancy"
        if model == "rule":
            content = rule_faithfulness(user) if metric == "faithfulness" else rule_relevancy(user)
        elif model == "fixed":
            content = _fixed(metric)
        elif model == "slow":
            await asyncio.sleep(SLOW_SECONDS)
            content = _fixed(metric)
        elif model == "flaky":
            if len(app.state.requests) % 2 == 1:
                return JSONResponse({"error": "busy"}, status_code=503)
            content = _fixed(metric)
        elif model == "malformed":
            content = "The answer looks fine to me."
        elif model == "out-of-range":
            content = (
                '{"claims": [{"claim": "a"}]}' if metric == "faithfulness" else '{"score": 1.5}'
            )
        elif model == "error":
            return JSONResponse({"error": "boom"}, status_code=500)
        elif model == "garbage":
            return PlainTextResponse("not json at all")
        else:
            return JSONResponse({"error": f"unknown model {model}"}, status_code=404)
        return JSONResponse(completion(content, model))

    return app
