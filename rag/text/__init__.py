"""Text utilities shared by readers, chunking, BM25 and answers: normalising, sentences, terms, quotes,
cue words."""
