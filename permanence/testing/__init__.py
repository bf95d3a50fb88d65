"""Real servers on 127.0.0.1 that the tests, the benchmarks and the demo share.

Not test code: ``make demo`` serves the local intranet mirror with :mod:`permanence.testing.sites`
to crawl it, and the benchmarks start the API with :func:`run_uvicorn`. Keeping them in the
product lets every layer use them without importing ``tests`` or ``eval``.
"""
