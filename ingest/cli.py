"""Subcommands of the ingest package: ``corpus …``, ``crawl``, ``docs``, ``ingest``, ``facts …``."""

from __future__ import annotations

import argparse
import importlib

__all__ = ["register"]

_COMMAND_MODULES = (
    "ingest.corpus.commands",
    "ingest.crawl.commands",
    "ingest.commands",
    "ingest.facts.commands",
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add every ingest subcommand whose module exists."""
    for module_name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name or (exc.name and module_name.startswith(exc.name + ".")):
                continue
            raise
        module.register(subparsers)
