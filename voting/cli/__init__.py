"""The ``congress`` command line: :func:`main` and one module per subcommand (``init``, ``serve``,
``demo``, ``tally``, ``export``, ``verify``, ``check-client``, ``simulate``).

"Command" elsewhere in the server means a state-changing request of the meeting; here the
entry points are called subcommands.
"""

from voting.cli.main import main

__all__ = ["main"]
