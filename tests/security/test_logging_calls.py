"""Our own log calls never take a person's words: no question, comment, transcript or query.

A static check over every module of the product: each ``logger.<level>(…)`` or
``logging.<level>(…)`` call is read, and none of its arguments may be a variable that holds
what a person typed or said (``question``, ``comment``, ``transcript``, ``text``, ``body``,
``query``…) or a request's URL with its query string. Their length, a count or a label is fine
(``len(text)``): only the value itself is refused. The runtime check is
``test_privacy_at_rest.py::test_no_identifier_in_this_process_logs``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
#: What runs in the server process (eval runs offline, on gold questions, never on a user's).
PACKAGES = ("assistant_api", "index", "ingest", "permanence")
LEVELS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})
#: Names that hold a person's words on the request path.
PERSONAL = frozenset(
    {"question", "comment", "transcript", "text", "body", "query", "q", "query_string",
     "query_params", "message", "messages", "prompt", "utterance", "speech"}
)  # fmt: skip


def _is_log_call(node: ast.Call) -> bool:
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in LEVELS
        and isinstance(func.value, ast.Name)
        and func.value.id in {"logger", "logging", "log", "_logger"}
    )


def _personal_values(node: ast.expr) -> list[str]:
    """Names in ``node`` whose value (not a function of it, like ``len(text)``) is logged."""
    if isinstance(node, ast.Call):
        return []
    if isinstance(node, ast.Name):
        return [node.id] if node.id in PERSONAL else []
    if isinstance(node, ast.Attribute):
        if node.attr in PERSONAL or (
            node.attr == "url" and isinstance(node.value, ast.Name) and node.value.id == "request"
        ):
            return [ast.unparse(node)]
        return []
    found: list[str] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            found.extend(_personal_values(child))
    return found


def offending_calls(source: str, filename: str) -> list[str]:
    """``file:line name`` for every log call that logs a personal value."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and _is_log_call(node):
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                found.extend(f"{filename}:{node.lineno} {n}" for n in _personal_values(argument))
    return found


@pytest.mark.parametrize(
    ("source", "offends"),
    [
        pytest.param('logger.info("asked: %s", question)', True, id="question"),
        pytest.param('logger.warning(f"bad comment {body.comment}")', True, id="f-string-attr"),
        pytest.param('logging.info("GET %s", request.url)', True, id="request-url"),
        pytest.param('logger.debug("spoke %d characters", len(text))', False, id="length"),
        pytest.param('logger.info("voice ready in %.1f s", elapsed)', False, id="timing"),
        pytest.param('print("not a log", question)', False, id="not-a-log-call"),
    ],
)
def test_the_check_sees_personal_values(source: str, offends: bool) -> None:
    assert bool(offending_calls(source, "example.py")) is offends


def test_no_log_call_of_the_product_logs_a_persons_words() -> None:
    found = []
    checked = 0
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            checked += source.count("log")
            found.extend(offending_calls(source, str(path.relative_to(ROOT))))
    assert checked > 0
    assert found == []
