"""``python -m annotator`` runs the command line."""

import sys

from annotator.cli import main

if __name__ == "__main__":  # not when a worker process imports it
    sys.exit(main())
