"""koubo-assistant core: configuration, retrieval, calculators, LLM client and answer engine (no UI)."""

__version__ = "0.1.0"
