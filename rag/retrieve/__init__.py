"""Retrieve: BM25, dense and hybrid (fused) rankings of passages as ``Hit``s."""

from rag.retrieve.retrievers import hits_from, make_retriever

__all__ = ["hits_from", "make_retriever"]
