"""``python -m iku_nb``: the ``iku-nb`` command, by way of its entry point."""

from iku_nb.entry import console

if __name__ == "__main__":
    console()
