"""Reasoning text kept away from applicants.

A reasoning model (the default Qwen3-Swallow RL build thinks first) served without vLLM's reasoning parser writes
its thoughts into the answer itself, as a ``<think>…</think>`` block before the answer. The answer loop streams
through :class:`ThinkFilter`, which drops a leading block as it arrives (with a bounded buffer: a few characters to
recognise the tag, never the thoughts), and :func:`strip_reasoning` removes it from whole texts. With the parser
configured, no block arrives and both pass text through unchanged.
"""

from __future__ import annotations

OPEN = "<think>"
CLOSE = "</think>"


def strip_reasoning(text: str) -> str:
    """``text`` without a leading reasoning block ("" when the block never closes: no answer came)."""
    if not text.lstrip().startswith(OPEN):
        return text
    end = text.find(CLOSE)
    return text[end + len(CLOSE):].lstrip() if end >= 0 else ""


class ThinkFilter:
    """Streamed text in, what an applicant may read out: ``feed`` each delta, then ``flush`` at the end."""

    def __init__(self) -> None:
        # start: not yet known; think: inside the block; after: blank lines after it; pass: answer text
        self._state = "start"
        self._buf = ""

    def feed(self, delta: str) -> str:
        if self._state == "pass":
            return delta
        if self._state == "after":  # the blank lines between the block and the answer
            delta = delta.lstrip()
            if delta:
                self._state = "pass"
            return delta
        self._buf += delta
        if self._state == "start":
            head = self._buf.lstrip()
            if len(head) < len(OPEN) and OPEN.startswith(head):
                return ""  # could still become <think>
            if not head.startswith(OPEN):
                self._state, out, self._buf = "pass", self._buf, ""
                return out
            self._state = "think"
        end = self._buf.find(CLOSE)
        if end < 0:
            self._buf = self._buf[-(len(CLOSE) - 1):]  # only what may be the start of the closing tag
            return ""
        out = self._buf[end + len(CLOSE):].lstrip()
        self._state, self._buf = ("pass" if out else "after"), ""
        return out

    def flush(self) -> str:
        """What is still held back when the stream ends: a short answer that looked like the start of a tag."""
        out = self._buf if self._state == "start" else ""
        self._buf = ""
        return out
