"""Retrieval: the Retriever (BM25 + dense, fusion, programme focus), the Sudachi tokenizer and the helpdesk lexicon."""
