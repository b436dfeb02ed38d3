"""Index: one directory of immutable versions (SQLite store, FAISS, BM25, ``manifest.json``).

The one private contract between the parts: a passage's integer row id is the same in the store's
``passages`` table, in FAISS and in the BM25 row map. Writers (``ingest``, ``remove``, ``reindex``,
``withdraw``, ``upgrade``) build a new version in a temporary directory and publish it by rename.
"""

from rag.index.version import IndexVersion, open_index

__all__ = ["IndexVersion", "open_index"]
