"""``permanence ask`` (in this process, or of a running server with ``--url``) and ``serve``."""

from __future__ import annotations

import argparse
import contextlib
import json
import shlex
import shutil
import sys
from typing import TYPE_CHECKING

from assistant_api.cli import ask_options
from permanence.errors import PermanenceError

if TYPE_CHECKING:
    from assistant_api.models import AskRequest, AskResponse
    from permanence.settings import Settings

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ask = subparsers.add_parser(
        "ask",
        help="Answer one question from the command line.",
        description="Answer from the local index, or ask a running server with --url "
        "(the way beside `permanence serve`, which holds the index).",
    )
    ask.add_argument("question", help="The question, in any supported language.")
    ask.add_argument("--json", action="store_true", help="Print the answer contract as JSON.")
    ask.add_argument("--language", type=ask_options.language_code, help="Answer in this language.")
    ask.add_argument(
        "--commune",
        type=ask_options.commune_name,
        help="Where the asker lives (a commune or village of the canton).",
    )
    ask.add_argument("--top-k", type=ask_options.top_k, help="Institutions to return (1-10).")
    ask.add_argument(
        "--url",
        type=ask_options.server_url,
        help="Ask the server at URL (e.g. http://127.0.0.1:8000) instead of the local index; "
        "PERMANENCE_ASK_TOKEN is sent as its bearer token.",
    )
    ask.set_defaults(handler=_run_ask)

    serve = subparsers.add_parser("serve", help="Serve the HTTP API (and the widget).")
    serve.add_argument("--host", default=None, help="Default: PERMANENCE_HOST or 127.0.0.1.")
    serve.add_argument("--port", type=int, default=None, help="Default: PERMANENCE_PORT or 8000.")
    serve.set_defaults(handler=_run_serve)


def _run_ask(args: argparse.Namespace) -> int:
    from assistant_api.models import AskRequest
    from permanence.settings import get_settings

    question = args.question.strip()
    if not question:
        print("error: the question is empty", file=sys.stderr)
        return 2
    request = AskRequest(
        question=question, language=args.language, commune=args.commune, top_k=args.top_k
    )
    settings = get_settings()
    if args.url:
        from assistant_api.cli.ask_client import ask_server

        token = settings.ask_token.get_secret_value() if settings.ask_token else None
        response = ask_server(args.url, request, token=token)
        base_url = args.url
    else:
        response = _ask_here(request, settings)
        base_url = settings.api_base_url()
    if args.json:
        print(json.dumps(response.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        from assistant_api.cli.terminal import PLAIN_WIDTH, render_answer

        terminal = sys.stdout.isatty()
        width = shutil.get_terminal_size().columns if terminal else PLAIN_WIDTH
        print(render_answer(response, base_url, terminal=terminal, width=width))
    return 0


def _ask_here(request: AskRequest, settings: Settings) -> AskResponse:
    """Answer in this process, after checking (without models) that there is an index."""
    from assistant_api.cli.readiness import check_data_dir, require_chunks
    from assistant_api.runtime import open_runtime
    from index import IndexInUseError

    try:
        check_data_dir(settings)
        runtime = open_runtime(settings)
    except IndexInUseError as exc:
        raise PermanenceError(_in_use_message(settings, request.question)) from exc
    try:
        require_chunks(runtime.search_index.backend.count(), settings.data_dir)
        return runtime.service.ask(request)
    finally:
        runtime.close()


def _in_use_message(settings: Settings, question: str) -> str:
    """Qdrant Edge has no read-only mode: say who holds the index and how to ask it."""
    from assistant_api.cli.readiness import shown_path

    return (
        f"the index in {shown_path(settings.index_dir)} is in use by a running server "
        f"(permanence serve); ask it with "
        f"`permanence ask --url {settings.api_base_url()} {_shell_quoted(question)}`"
    )


def _shell_quoted(text: str) -> str:
    """``text`` as a shell argument; double quotes when safe, since questions have apostrophes."""
    if any(char in text for char in '"$`\\!'):
        return shlex.quote(text)
    return f'"{text}"'


def _run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from assistant_api.app import create_app
    from assistant_api.http.access_log import uvicorn_log_config
    from assistant_api.http.demo import demo_access
    from assistant_api.http.server_options import server_config
    from permanence.settings import get_settings

    access = demo_access(get_settings())
    settings = access.settings
    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    with contextlib.ExitStack() as stack:
        if settings.demo:
            # The intranet documents the demo indexed cite the mirror's URLs: serve it too.
            from ingest.crawl.mirror import serving_mirror
            from ingest.errors import SourceConfigError

            try:
                mirror = stack.enter_context(serving_mirror("intranet"))
                access.intranet = (mirror.origin, *mirror.login)
            except SourceConfigError as exc:
                access.intranet = str(exc)
            # On the terminal only (flushed before uvicorn's own lines), never through logging.
            print(access.banner(f"http://{host}:{port}"), flush=True)
        # The access log keeps paths without their query and clients as pseudonyms (no IP);
        # X-Forwarded-For is believed from limits.trusted_proxies only; slow headers are cut.
        config = server_config(
            create_app(settings),
            settings.limits,
            host=host,
            port=port,
            log_config=uvicorn_log_config(),
        )
        uvicorn.Server(config).run()
    return 0
