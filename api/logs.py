"""The service's log lines: one JSON object per line on stderr, from the server (its own loggers
and uvicorn's error and access lines) and from its job processes, formatted by python-json-logger.

Every line has time, level, logger and message; a line logged with an exception also has
`exception`: the whole traceback, the exception's type and message last.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

LOGGERS = ("rotation", "uvicorn", "uvicorn.access")
"""The loggers given the JSON handler: the service's own, uvicorn's server lines (uvicorn.error
propagates to uvicorn) and its access lines."""


def json_formatter() -> JsonFormatter:
    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
        timestamp="time",
        # uvicorn adds a coloured copy of some messages for terminals: not for a JSON line.
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],
        json_ensure_ascii=False,
    )


def configure_logging() -> None:
    """The service's and uvicorn's loggers write JSON lines to stderr (called by the app, after
    uvicorn has set up its own logging, and by each job process)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
    logging.getLogger("rotation").setLevel(logging.INFO)
