"""What the HTTP API may say: messages without server paths, inputs not echoed back.

The library's messages name files and folders so an operator can fix them (the CLI prints them as
they are); over HTTP a path becomes its last component, and validation errors say where and why, not
what was sent (a 5,000-character question is not repeated back).
"""

from __future__ import annotations

import re
from typing import Any

_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s'\"`/]+/)+([^\s'\"`/]*)")  # absolute POSIX paths
_KEEP = ("type", "loc", "msg")  # of a pydantic error: no "input", "ctx" or "url"


def redact(message: str) -> str:
    """``message`` with every absolute path replaced by its last component (``…/name``)."""
    return _PATH.sub(lambda m: f"…/{m.group(1)}" if m.group(1) else "…/", message)


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors without the offending input."""
    return [{k: e[k] for k in _KEEP if k in e} for e in errors]
