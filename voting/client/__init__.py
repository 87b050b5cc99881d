"""Checking the tablet client a meeting server delivers against the installed release.

- :mod:`voting.client.manifest` — the release manifest: the SHA-256 of every file the tablet
  page may load, its Content-Security-Policy and the release version.
- :mod:`voting.client.scan` — reads the page, its import map and style sheets.
- :mod:`voting.client.imports` — reads the imports and workers of JavaScript modules.
- :mod:`voting.client.compare` — compares what was fetched with the manifest.

``congress check-client URL`` (:mod:`voting.cli.check_client`) does the fetching.
"""
