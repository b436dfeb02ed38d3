"""The one plug-in registry: ``importlib.metadata`` entry points, one group per extension point.

A separate package adds a reader, an embedder, a selector or a CLI command group by naming an object
in its ``pyproject.toml`` (see ARCHITECTURE.md and the README's "Adding a reader")::

    [project.entry-points."clinical_rag.readers"]
    docx = "my_package.docx:READER"

Built-ins are registered in code beside their protocol; plug-ins come after them and may not
replace a built-in name.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from typing import Any

from rag.errors import RagError

READERS = "clinical_rag.readers"  # rag.readers.registry.Reader objects
EMBEDDERS = "clinical_rag.embedders"  # rag.embed.registry.EmbedderFactory objects
SELECTORS = "clinical_rag.selectors"  # callables ARG -> rag.answer.select.Selector
COMMANDS = "clinical_rag.commands"  # callables add_parsers(argparse subparsers)


class PluginError(RagError):
    """An installed plug-in cannot be loaded."""

    status_code = 500


@cache
def plugins(group: str) -> dict[str, Any]:
    """``{name: loaded object}`` of the entry points installed in ``group`` (loaded once)."""
    loaded: dict[str, Any] = {}
    for ep in entry_points(group=group):
        try:
            loaded[ep.name] = ep.load()
        except Exception as exc:  # a broken plug-in names itself instead of a bare traceback
            raise PluginError(
                f"the {group} plug-in {ep.name!r} ({ep.value}) cannot be loaded: {exc}; "
                f"fix or uninstall the package that provides it"
            ) from exc
    return loaded
