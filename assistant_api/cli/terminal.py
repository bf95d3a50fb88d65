"""An answer as terminal text: its markdown rendered, its links absolute.

The answer contract carries markdown with ``[n]`` markers and links relative to the API
(``/v1/institutions/<id>``), which the widget resolves; on a terminal ``**`` is noise and a
relative link leads nowhere. rich renders the markdown (styled on a TTY, plain text with no
escape codes otherwise); each line of the answer stays a line, as in the widget.
"""

from __future__ import annotations

import io
import re

from rich.console import Console
from rich.markdown import Markdown

from assistant_api.models import AskResponse

__all__ = ["PLAIN_WIDTH", "absolute_url", "render_answer"]

#: Columns of plain (piped) output: wide enough that rich does not fold a URL.
PLAIN_WIDTH = 100
_RELATIVE_LINK = re.compile(r"\]\((/(?!/)[^)\s]*)\)")
#: A line break between two lines of text; made a markdown hard break to keep the line.
_SOFT_BREAK = re.compile(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)")


def absolute_url(url: str, base_url: str) -> str:
    """``url`` with a path-only URL (``/v1/…``) put under ``base_url``; others unchanged."""
    if url.startswith("/") and not url.startswith("//"):
        return base_url.rstrip("/") + url
    return url


def render_answer(
    response: AskResponse, base_url: str, *, terminal: bool = False, width: int = PLAIN_WIDTH
) -> str:
    """The answer, then one ``[n] title — URL`` line per citation.

    ``terminal`` styles the text with ANSI codes; without it the text is plain.
    """
    markdown = _RELATIVE_LINK.sub(
        lambda m: f"]({absolute_url(m.group(1), base_url)})", response.answer
    )
    lines = [_render_markdown(_SOFT_BREAK.sub("  \n", markdown), terminal=terminal, width=width)]
    if response.citations:
        lines.append("")
        lines.extend(
            f"[{c.n}] {c.title} — {absolute_url(c.url, base_url)}" for c in response.citations
        )
    return "\n".join(lines)


def _render_markdown(markdown: str, *, terminal: bool, width: int) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        force_terminal=terminal,
        color_system="auto" if terminal else None,
        highlight=False,
        emoji=False,
    )
    # Links as "text (URL)": a terminal hyperlink would hide the address on most terminals.
    console.print(Markdown(markdown, hyperlinks=False))
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()).strip("\n")
