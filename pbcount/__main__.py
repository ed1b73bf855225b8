"""`python -m pbcount FILE.pb ...`, the same as the `pbcount` command."""

import sys

from pbcount.cli import main

sys.exit(main())
