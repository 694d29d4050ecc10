"""The action server: rasa_sdk's own app, accepting only calls that carry the shared secret.

`rasa run actions` listens on every interface and runs any action for anyone who can reach
it: one POST made a forged urgent case and texted volunteers. This runs the same Sanic app
(rasa_sdk.endpoint.create_app) bound to SANIC_HOST (127.0.0.1 unless set: a private
interface in a deployment), and refuses /webhook calls without ACTION_SERVER_TOKEN, which
Rasa sends as `?token=` (endpoints.yml: action_endpoint.token).

    python -m actions.server --port 5055
"""
from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import response

from bot.settings import local_secret

log = logging.getLogger(__name__)


def build_app(token: str):
    app = create_app("actions", cors_origins=None)

    @app.on_request
    async def require_token(request):
        if request.path == "/health":
            return None
        if not hmac.compare_digest(request.args.get("token", ""), token):
            log.warning("refused an action call without the shared token on %s", request.path)
            return response.json({"error": "unauthorised"}, status=401)
        return None

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    token = local_secret("ACTION_SERVER_TOKEN", "action-server.token")
    app = build_app(token)
    app.run(os.environ.get("SANIC_HOST", "127.0.0.1"), args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
