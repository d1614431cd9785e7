"""``python -m bench``: see ``bench/run.py``."""

import sys

from bench.run import main

if __name__ == "__main__":  # not when a worker process imports it
    sys.exit(main())
