"""The HTTP face of the assistant: routes, limits, access checks and the per-app state.

:func:`assistant_api.app.create_app` assembles these around the runtime that
:func:`assistant_api.runtime.open_runtime` builds.
"""
