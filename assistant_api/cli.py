"""``permanence ask`` and ``permanence serve``."""

from __future__ import annotations

import argparse
import json

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ask = subparsers.add_parser("ask", help="Answer one question from the command line.")
    ask.add_argument("question", help="The question, in any supported language.")
    ask.add_argument("--json", action="store_true", help="Print the answer contract as JSON.")
    ask.add_argument("--language", default=None)
    ask.add_argument("--commune", default=None)
    ask.add_argument("--top-k", type=int, default=None)
    ask.set_defaults(handler=_run_ask)

    serve = subparsers.add_parser("serve", help="Serve the HTTP API (and the widget).")
    serve.add_argument("--host", default=None, help="Default: PERMANENCE_HOST or 127.0.0.1.")
    serve.add_argument("--port", type=int, default=None, help="Default: PERMANENCE_PORT or 8000.")
    serve.set_defaults(handler=_run_serve)


def _run_ask(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from assistant_api.models import AskRequest
    from assistant_api.runtime import open_runtime
    from permanence.settings import get_settings

    try:
        request = AskRequest(
            question=args.question, language=args.language, commune=args.commune, top_k=args.top_k
        )
    except ValidationError as exc:
        print(f"error: invalid question: {exc.errors()[0]['msg']}")
        return 2
    if not request.question.strip():
        print("error: the question is empty")
        return 2
    runtime = open_runtime(get_settings())
    try:
        response = runtime.service.ask(request)
    finally:
        runtime.close()
    if args.json:
        print(json.dumps(response.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(response.answer)
        for citation in response.citations:
            print(f"[{citation.n}] {citation.title} — {citation.url}")
    return 0


def _run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from assistant_api.app import create_app
    from permanence.settings import get_settings

    settings = get_settings()
    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    return 0
