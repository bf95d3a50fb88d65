"""``permanence ask`` and ``permanence serve`` (registered by :mod:`assistant_api.cli.commands`)."""
