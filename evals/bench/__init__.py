"""Performance benchmarks behind `koubo bench` (one module per benchmark; shared output in report.py).

- ``ingest``     throughput and index size: the real corpus, and synthetic corpora of N chunks (synthetic.py)
- ``retrieval``  per-stage latency and resident memory at N chunks
- ``answer``     the engine's own overhead around a fake OpenAI-compatible LLM
- ``http``       /api/ask under 1/8/32 concurrent clients on 127.0.0.1
- ``web_start``  seconds until a freshly started `koubo web` answers /api/health

Benchmarks print a table, return a JSON-able dict (see report.result) and judge the targets of issue 8.
"""
