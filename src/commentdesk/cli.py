"""`python -m commentdesk.cli`: the command line under its earlier module name (scripts and tests use it).

The commands themselves are in `commentdesk.commands`.
"""

import sys

from commentdesk.commands import build_parser, main

__all__ = ["build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())
