"""The hall LAN's local certificate authority, on the server side.

- :mod:`voting.ca.tls`: ``congress init --host/--ip`` makes the CA and the server certificate
  (the server key written with mode 0600); ``congress serve --tls`` serves with them.
- :mod:`voting.ca.install_page`: the page that helps a tablet install the CA certificate.
- :mod:`voting.ca.endpoints`: ``GET /ca.crt`` and ``GET /ca``, whose :func:`routes` the app
  mounts.
"""

from __future__ import annotations

from voting.ca.endpoints import routes

__all__ = ["routes"]
