"""`search_documents`: the retrieval tool the model can call for further look-ups."""

from __future__ import annotations

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, ConfigDict, Field

NAME = "search_documents"
MAX_QUERY_CHARS = 200


class SearchDocumentsInput(BaseModel):
    """公募資料（GENIAC 基盤モデル開発の助成、計算リソースの取扱い、AI基盤モデルの開発環境整備）を追加で検索します。
    最初に渡された参考資料で足りないときだけ使ってください。結果は番号付きの参考資料として返ります。"""

    model_config = ConfigDict(extra="forbid")

    # vLLM's strict mode enforces `pattern` (not maxLength). A counted repetition ({1,200}) made vLLM 0.32's
    # grammar compiler (xgrammar) crash the engine, so the pattern only excludes control characters and the
    # engine cuts the query to MAX_QUERY_CHARS itself.
    query: str = Field(description="検索したい内容（日本語の短い文やキーワード）", pattern=r"^[^\x00-\x1f]+$")


def langchain_tool():  # type: ignore[no-untyped-def]
    """A schema-only LangChain tool: the engine runs the search itself (it needs the retriever and numbering)."""
    def _unbound(query: str) -> str:  # pragma: no cover - never called; the engine dispatches by name
        raise RuntimeError("search_documents is executed by the answer engine")

    return StructuredTool.from_function(
        func=_unbound, name=NAME, description=SearchDocumentsInput.__doc__ or NAME,
        args_schema=SearchDocumentsInput,
    )
