"""`python -m demo_data`: the same as `csc-demo-data`."""

import sys

from .cli import main

sys.exit(main())
