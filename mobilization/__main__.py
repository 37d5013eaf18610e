"""``python -m mobilization``: the same as the ``mobilize`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
