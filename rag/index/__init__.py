"""Index: one directory of immutable versions, each a list of shared immutable segments (SQLite
store, FAISS, BM25 term frequencies) plus deletion marks (``rag.index.segment``).

The one private contract between the parts: a passage's integer row id is unique across segments and
the same in a segment's ``passages`` table, FAISS index and term index. Writers (``ingest``,
``remove``, ``reindex``, ``withdraw``, ``upgrade``, ``compact``) build a segment and a version in
temporary directories and publish them by rename.
"""

from rag.index.version import IndexVersion, open_index

__all__ = ["IndexVersion", "open_index"]
