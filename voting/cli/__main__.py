"""``python -m voting.cli``: the same as the ``congress`` command."""

import sys

from voting.cli.main import main

sys.exit(main())
