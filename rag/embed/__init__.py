"""Embed: texts to unit vectors. ``Embedder`` is the protocol; backends register in ``rag.embed.backends``."""

from rag.embed.embedder import Embedder, PinnedQuery, QueryEmbedder, make_embedder

__all__ = ["Embedder", "PinnedQuery", "QueryEmbedder", "make_embedder"]
