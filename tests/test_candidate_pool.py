"""The selector's candidate pool: quote spans decided once, at ingest, and stored with each passage
(``rag.text.quotable``), and the passages they come from."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import cosine_selector

import rag.index.sentence_json as sentence_json
from rag.answer.select.candidates import candidates, quotes
from rag.answer.select.features import featurize
from rag.chunking import ChunkingParams, chunk_document
from rag.config import EngineOptions
from rag.embed.embedder import HashingEmbedder
from rag.engine import Engine
from rag.index.version import open_index
from rag.retrieve.shards import hit_from_wire, hit_to_wire
from rag.text.cues import CUES, sentence_cues
from rag.text.quotable import quote_spans
from rag.types import Document, Hit, Section


def _hits(index: Path) -> list[Hit]:
    store = open_index(index).store
    rows = store.passages_by_row(range(1, 400))
    return [
        Hit(passage=s.passage, document=s.document, rank=n, score=1.0) for n, s in enumerate(rows.values(), 1)
    ]


def test_the_chunker_stores_each_sentences_quote_span() -> None:
    text = (
        "BACKGROUND: Heparin is widely used after trauma. The risks of heparin include bleeding and "
        "heparin induced thrombocytopenia. This work was funded by the National Institutes of Health "
        "grant R01 HL123456."
    )
    [passage] = chunk_document(
        Document(doc_id="d", title="T", sections=(Section(text=text),)), ChunkingParams(chunk_words=200)
    )
    assert passage.quotes == quote_spans(passage.text, passage.sentences)
    finding, treatment = (1 << list(CUES).index(n) for n in ("cue_finding", "cue_treatment"))
    assert passage.cues is not None and passage.cues[2] == 0  # not quotable: no cues stored
    assert passage.cues[1] & finding and passage.cues[1] & treatment  # "risks", "bleeding"
    quoted = [passage.text[q[0] : q[1]] if q else None for q in passage.quotes or ()]
    assert quoted == [
        "Heparin is widely used after trauma.",  # the heading is not part of the quote
        "The risks of heparin include bleeding and heparin induced thrombocytopenia.",
        None,  # back matter is not evidence
    ]


def test_stored_spans_are_read_back_and_used_while_the_rules_are_the_same(
    fake_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hits = _hits(fake_index)
    assert len(hits) > 50
    for h in hits:
        assert h.passage.quotes == quote_spans(h.passage.text, h.passage.sentences)
        assert quotes(h.passage) is h.passage.quotes  # read, not computed again
        assert h.passage.cues == sentence_cues(h.passage.text, h.passage.quotes or ())
    assert any(q is None for h in hits for q in h.passage.quotes or ())

    # rules edited since the index was built: its stored spans no longer count and are computed
    # when asked, to the same candidates
    monkeypatch.setattr(sentence_json, "QUOTE_RULES", "edited-since")
    stale = _hits(fake_index)
    assert all(h.passage.quotes is None and h.passage.cues is None for h in stale)
    assert [(c.hit.passage_id, c.start, c.end) for c in candidates(stale, top_passages=len(stale))] == [
        (c.hit.passage_id, c.start, c.end) for c in candidates(hits, top_passages=len(hits))
    ]


def test_a_shards_hits_keep_their_quote_spans_on_the_wire(fake_index: Path) -> None:
    for h in _hits(fake_index)[:20]:
        assert hit_from_wire(json.loads(json.dumps(hit_to_wire(h)))) == h


@pytest.mark.parametrize("passages", [5, 40])
def test_the_answer_passages_setting_decides_where_candidates_come_from(
    fake_index: Path, passages: int
) -> None:
    # RAG_ANSWER_PASSAGES above the default (30) once left the candidates at the first 30 passages
    options = EngineOptions(answer_passages=passages)
    engine = Engine(fake_index, options, embedder=HashingEmbedder(), selector=cosine_selector())
    pool = engine.evidence_pool("air embolism treatment with oxygen")
    assert len(pool.hits) == passages
    positions = {pool.hits.index(c.hit) for c in pool.candidates}
    assert max(positions) == passages - 1 if passages < 30 else max(positions) >= 30


def test_features_from_stored_cues_equal_those_computed_per_request(
    fake_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hits = _hits(fake_index)
    assert sum(bool(b) for h in hits for b in h.passage.cues or ()) > 50
    embedder = HashingEmbedder()
    question = "Is hyperbaric oxygen an effective treatment of air embolism?"
    q = embedder.embed([question])[0]

    def features(hits: list[Hit]) -> np.ndarray:
        pool = candidates(hits, top_passages=len(hits))
        return featurize(question, q, pool, embedder.embed([c.text for c in pool]), products=False)

    monkeypatch.setattr(sentence_json, "CUE_RULES", "edited-since")  # cue bits ignored, computed again
    recomputed = _hits(fake_index)
    assert all(h.passage.cues is None and h.passage.quotes is not None for h in recomputed)
    stored = features(hits)
    assert stored.shape[0] > 50
    np.testing.assert_array_equal(stored, features(recomputed))
