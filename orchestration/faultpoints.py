"""Named points where the fault-injection tests stop a build to kill it (tests/test_faults.py).

With CSC_FAULT_PAUSE set to a point's name, the build writes that name to the file named by
CSC_FAULT_MARKER when it reaches the point and then waits to be killed. Unset (always, outside
the tests), a point does nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def pause_if_requested(point: str) -> None:
    if os.environ.get("CSC_FAULT_PAUSE") != point:
        return
    marker = os.environ.get("CSC_FAULT_MARKER")
    if marker:
        Path(marker).write_text(point)
    time.sleep(3600)
