"""Japanese morphological tokenisation for BM25 (SudachiPy with the dictionary shipped on PyPI)."""

from __future__ import annotations

import threading

from sudachipy import Dictionary, SplitMode

from assistant.domain.text import nfkc

# Parts of speech that carry no topic: particles, auxiliaries, punctuation, blanks.
_DROP_POS = {"助詞", "助動詞", "補助記号", "空白"}
# Sudachi refuses inputs over ~49 KB; feed long texts line by line in pieces well under that.
_MAX_CHARS = 4000


class JapaneseTokenizer:
    """Sudachi mode B tokens in normalised form; one Sudachi tokenizer per thread (they are not thread-safe)."""

    def __init__(self, mode: str = "B") -> None:
        self._mode_name = mode
        self._local = threading.local()

    def _tok(self):  # type: ignore[no-untyped-def]
        tok = getattr(self._local, "tok", None)
        if tok is None:
            tok = (Dictionary().tokenizer(), getattr(SplitMode, self._mode_name))
            self._local.tok = tok
        return tok

    def tokenize(self, text: str) -> list[str]:
        tokenizer, mode = self._tok()
        out: list[str] = []
        text = nfkc(text)
        for piece in _pieces(text):
            for m in tokenizer.tokenize(piece, mode):
                if m.part_of_speech()[0] in _DROP_POS:
                    continue
                form = m.normalized_form().strip().lower()
                if form:
                    out.append(form)
        return out

    def forms(self, text: str) -> tuple[list[str], list[str]]:
        """(normalised forms, katakana readings) of every morpheme, blanks left out.

        For matching words across spellings: 〆切/締切 → 締め切り, できる → 出来る (normalised form), and
        homophones an IME produces or a user types in kana: 補助律/ほじょりつ → ホジョリツ (reading).
        """
        tokenizer, mode = self._tok()
        norm: list[str] = []
        reading: list[str] = []
        for piece in _pieces(nfkc(text)):
            for m in tokenizer.tokenize(piece, mode):
                if m.part_of_speech()[0] == "空白":
                    continue
                norm.append(m.normalized_form())
                reading.append(m.reading_form())
        return norm, reading


    def morphemes(self, text: str, limit: int = 400) -> list[tuple[str, tuple[str, ...], str]]:
        """(surface, part of speech, normalised form) of the first ``limit`` characters, symbols included."""
        tokenizer, mode = self._tok()
        out: list[tuple[str, tuple[str, ...], str]] = []
        for piece in _pieces(nfkc(text)[:limit]):
            for m in tokenizer.tokenize(piece, mode):
                out.append((m.surface(), tuple(m.part_of_speech()), m.normalized_form()))
        return out

    def nouns(self, text: str) -> list[tuple[str, str]]:
        """Content nouns in order as (normalised form, surface): common and proper nouns, no numerals.

        Used by the scope decision to see which words of a question the documents know."""
        tokenizer, mode = self._tok()
        out: list[tuple[str, str]] = []
        for piece in _pieces(nfkc(text)):
            for m in tokenizer.tokenize(piece, mode):
                pos = m.part_of_speech()
                # 副詞可能 nouns (それぞれ, いくら, 最近) work as adverbs: they end a compound.
                if ((pos[0] == "名詞" and pos[1] in ("普通名詞", "固有名詞") and pos[2] != "副詞可能")
                        or pos[0] == "接尾辞"):
                    form = m.normalized_form().strip().lower()
                    if form:
                        out.append((form, m.surface()))
                else:
                    out.append(("", m.surface()))  # a break: compounds are runs of adjacent nouns
        return out


def _pieces(text: str) -> list[str]:
    pieces: list[str] = []
    for line in text.splitlines():
        while len(line) > _MAX_CHARS:
            pieces.append(line[:_MAX_CHARS])
            line = line[_MAX_CHARS:]
        if line.strip():
            pieces.append(line)
    return pieces


_DEFAULT: JapaneseTokenizer | None = None


def default_tokenizer() -> JapaneseTokenizer:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = JapaneseTokenizer()
    return _DEFAULT
