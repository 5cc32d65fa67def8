"""Answering: the Assistant engine (orchestration), scope guard, follow-ups, LLM loop, offline composer, citations, drafts."""
