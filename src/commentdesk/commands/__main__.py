"""`python -m commentdesk.commands ...` runs the command line."""

import sys

from commentdesk.commands import main

sys.exit(main())
