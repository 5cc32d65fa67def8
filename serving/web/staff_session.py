"""What every section of the staff desk shares: the staff name behind a session token, or a polite refusal."""

from __future__ import annotations

import gradio as gr

from serving.web.service import WebService

EXPIRED = "ログインの有効期限が切れたか、ログインしていません。もう一度ログインしてください。"


class SessionHandlers:
    """Base of the staff desk's handler classes: every handler re-checks the token it is given."""

    def __init__(self, service: WebService) -> None:
        self.service = service

    def _who(self, token: str | None) -> str:
        name = self.service.auth.verify(token)
        if not name:
            raise gr.Error(EXPIRED, title="ログインが必要です")
        return name
