"""``python -m iku_nb``: the ``iku-nb`` command, by way of its entry point."""

import sys

from iku_nb.entry import main

if __name__ == "__main__":
    sys.exit(main())
