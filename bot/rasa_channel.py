"""The channel Rasa listens on for the webhook: Rasa's REST channel (same requests, same
replies) that answers only requests carrying the shared token.

Rasa's `--auth-token` guards its HTTP API but not its channels, so with the plain `rest:`
channel anyone who reached Rasa could write as any person, or make up an emergency that
texts volunteers. credentials.yml names this class instead, with RASA_AUTH_TOKEN; the
webhook sends it in the X-Puente-Token header (webhook/rasa_client.py).
"""
from __future__ import annotations

import hmac
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response

TOKEN_HEADER = "X-Puente-Token"


class PuenteInput(RestInput):
    def __init__(self, token: str):
        self.token = token

    @classmethod
    def name(cls) -> Text:
        return "puente"  # POST /webhooks/puente/webhook

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "PuenteInput":
        token = str((credentials or {}).get("token") or "")
        if not token:
            raise ValueError("the puente channel needs a token (credentials.yml: RASA_AUTH_TOKEN)")
        return cls(token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        token = self.token

        @blueprint.middleware("request")
        async def require_token(request):
            if not hmac.compare_digest(request.headers.get(TOKEN_HEADER, ""), token):
                return response.json({"error": "unauthorised"}, status=401)
            return None

        return blueprint
