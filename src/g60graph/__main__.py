"""``python -m g60graph``: the same as the ``g60graph`` command."""

import sys

from g60graph.cli import main

sys.exit(main())
