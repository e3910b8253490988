"""Leaving a process whose work is done while a solver thread may still run: entry points (the CLI,
a job process, a benchmark row) call `exit_process` once their results are written."""

from __future__ import annotations

import os
import sys
import threading
from typing import NoReturn

HIGHS_THREAD = "rotation-highs"
"""The name of the thread a HiGHS search runs in (`optimizer.engines.highs.solve_mip`)."""


def exit_process(code: int) -> NoReturn:
    """End the process now. Some of HiGHS's phases never check for an interrupt (at 10,000
    teachers one ran minutes past its deadline): a normal exit would wait for that thread, and a
    daemon thread would abort the interpreter at exit."""
    sys.stdout.flush()
    sys.stderr.flush()
    if any(thread.name == HIGHS_THREAD for thread in threading.enumerate()):
        os._exit(code)
    sys.exit(code)
