"""E-mail addresses: ``mailto:`` links and addresses in the text, obfuscated ones included.

Sites hide addresses from harvesters by writing ``opene [at] ne [dot] ch``, ``opeb(at)ne.ch``
or ``opec arobase ne point ch``. The text is first brought back to plain ``@`` and ``.``
(:func:`deobfuscate`, only where an "at" word stands between two name-like words), then one
pattern finds the addresses. The pattern is deliberately plain: a reviewer reads every
proposal, and a missed address costs more than one odd candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from ingest.facts.models import Fact, snippet_of

__all__ = ["deobfuscate", "email_facts", "email_from_link"]

_NAME = r"[A-Za-z0-9][A-Za-z0-9._%+-]*"
_AT = (
    r"(?:\s*[\[({<]\s*(?:at|@|arobase|chez)\s*[\])}>]\s*"
    r"|\s+(?:at|arobase|chez)\s+|\s*@\s*)"
)
_DOT = r"(?:\s*[\[({<]\s*(?:dot|point|punkt)\s*[\])}>]\s*|\s+(?:dot|point|punkt)\s+|\.)"
#: Top-level domains an obfuscated address may end in: a closed list, so that "at home point
#: final" is left alone.
_TLDS = r"ch|li|com|org|net|info|swiss|fr|de|it|eu|io"
_OBFUSCATED = re.compile(
    rf"(?P<local>{_NAME}){_AT}(?P<domain>[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}"
    rf"(?P<tld>{_TLDS}))\b",
    re.IGNORECASE,
)
_DOT_WORD = re.compile(_DOT, re.IGNORECASE)
_EMAIL = re.compile(
    r"\b[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)


def deobfuscate(text: str) -> str:
    """``opene [at] ne [dot] ch`` → ``opene@ne.ch``; text without such forms is unchanged.

    Only a run that ends in a plausible top-level domain is rewritten, so "rendez-vous at
    home" stays as it is (no dot word follows).
    """

    def plain(match: re.Match[str]) -> str:
        domain = _DOT_WORD.sub(".", match.group("domain"))
        return f"{match.group('local')}@{domain}"

    return _OBFUSCATED.sub(plain, text)


def email_facts(text: str, url: str, *, page_date: str | None = None) -> Iterator[Fact]:
    """Every address in ``text``, obfuscated or not."""
    plain = deobfuscate(text)
    for match in _EMAIL.finditer(plain):
        value = match.group(0).rstrip(".")
        yield Fact(
            kind="email",
            value=value,
            source_url=url,
            snippet=snippet_of(plain, match.start(), match.end()),
            origin="text",
            page_date=page_date,
        )


def email_from_link(
    href: str, *, context: str, url: str, page_date: str | None = None
) -> Fact | None:
    """The address of a ``mailto:`` link (query and extra recipients dropped)."""
    target = unquote(href.strip()[len("mailto:") :]).split("?")[0].split(",")[0].strip()
    if not _EMAIL.fullmatch(target):
        return None
    return Fact(
        kind="email",
        value=target,
        source_url=url,
        snippet=" ".join(context.split())[:200],
        origin="link",
        page_date=page_date,
    )
