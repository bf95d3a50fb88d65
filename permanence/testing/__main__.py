"""``python -m permanence.testing gsr intranet --password …``: serve mirror sites by hand.

Prints each site's URL and serves until Ctrl-C, to look around the mirror in a browser.
"""

from __future__ import annotations

import threading

from permanence.testing.site_config import site_configs
from permanence.testing.sites import serve_sites


def main(argv: list[str] | None = None) -> int:
    """Serve sites by hand: ``python -m permanence.testing gsr intranet`` (Ctrl-C stops)."""
    import argparse

    parser = argparse.ArgumentParser(description="Serve folders of corpora/sites on 127.0.0.1.")
    parser.add_argument("names", nargs="*", help="site folders (default: all)")
    parser.add_argument("--user", default="pro", help="test user of the protected sites")
    parser.add_argument("--password", required=True, help="test password of the protected sites")
    args = parser.parse_args(argv)
    protected = [n for n, c in site_configs().items() if c.auth is not None]
    credentials = {name: (args.user, args.password) for name in protected}
    with serve_sites(*args.names, credentials=credentials) as served:
        for name, url in served.urls.items():
            print(f"{name:45} {url}/")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
