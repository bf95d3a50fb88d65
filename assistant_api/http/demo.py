"""Demo mode: a professional token made for one run of ``make demo``, printed at start.

A newcomer must be able to try the professional console, but a fixed token in the code or the
README would be a secret anyone can read, valid wherever somebody forgot to change it. So the
demo makes a random token each time the server starts, only when demo mode is on and no token
is configured, and prints it once on the terminal (not through logging, so that no log file
keeps it). With ``PERMANENCE_PRO_TOKENS`` set, demo mode uses those and prints nothing.
"""

from __future__ import annotations

import secrets

from pydantic import SecretStr

from permanence.settings import Settings

__all__ = ["DemoAccess", "demo_access"]


class DemoAccess:
    """The settings to serve with, and the token made for this run (``None``: none made)."""

    def __init__(self, settings: Settings, token: str | None) -> None:
        self.settings = settings
        self.token = token
        #: The intranet mirror served beside the demo: (URL, user, password), or why not.
        self.intranet: tuple[str, str, str] | str | None = None

    def banner(self, base_url: str) -> str:
        """What the terminal shows at start: where each role begins, with the demo token."""
        lines = [
            "",
            "Permanence demo",
            f"  citizens (chat widget):      {base_url}/",
            f"  professionals (console):     {base_url}/pro",
        ]
        if self.token is not None:
            lines += [
                f"  professional token (this run only): {self.token}",
                "  evaluators, in another terminal:",
                f"    PERMANENCE_EVAL_PRO_TOKEN={self.token} .venv/bin/permanence eval "
                f"--url {base_url} --gold corpora/gold/test.jsonl --out data/eval-demo",
            ]
        if isinstance(self.intranet, tuple):
            url, user, password = self.intranet
            lines.append(
                f"  intranet mirror (sources « interne »): {url}/  user {user}, "
                f"password {password} (this run only)"
            )
        elif isinstance(self.intranet, str):
            lines.append(f"  intranet mirror not served: {self.intranet}")
        lines += [f"  API documentation:           {base_url}/docs", ""]
        return "\n".join(lines)


def demo_access(settings: Settings) -> DemoAccess:
    """Settings with a fresh professional token in demo mode when none is configured."""
    if not settings.demo or settings.pro_token_list():
        return DemoAccess(settings, None)
    token = secrets.token_urlsafe(24)
    updated = settings.model_copy(update={"pro_tokens": SecretStr(token)})
    return DemoAccess(updated, token)
