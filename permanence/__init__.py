"""Permanence: orientation in the social and health network of the canton of Neuchâtel.

This package holds what every other package shares: the one settings object, the base error,
the process start-up (thread settings for the model libraries), the text folding of every
keyword matcher and the loader of the lexicon files (``permanence.lexicon``). The work itself
lives in ``ingest`` → ``index`` → ``assistant_api``, with ``eval`` on top of the public
interface.
"""

from __future__ import annotations

from permanence.errors import PermanenceError
from permanence.settings import Settings, get_settings
from permanence.text import fold

__all__ = ["PermanenceError", "Settings", "fold", "get_settings"]

__version__ = "0.1.0"
