"""Index: the Chroma store, BM25, sentence vectors, embedders and caches, index generations: the only code that opens, writes, swaps or repairs an index."""
