"""A local HTTP server that speaks Twilio's REST format for sending messages, so that tests
and the bench drive the real Twilio SDK (via TWILIO_API_BASE, see bot/handoff/twilio_rest.py) and
assert on what Twilio would have received.

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json   (form: To, From, Body, ContentSid)

Checks HTTP basic auth (the account SID and auth token), answers 201 with a message
resource as Twilio does, records every request in `server.messages`, and can be told to
fail: `fail_next(n, status=500)`, or `fail_for(number, 21610)` for an error code per number.

    python -m tests.fake_twilio --port 8787      # try it locally; prints each message
"""
from __future__ import annotations

import argparse
import base64
import json
import threading
import time
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "fake-twilio-token"
ERRORS = {
    20003: (401, "Authenticate"),
    20404: (404, "The requested resource was not found"),
    21610: (400, "Attempt to send to unsubscribed recipient"),
    63016: (400, ("Failed to send freeform message because you are outside the allowed window. "
                  "If you are using WhatsApp, please use a Message Template.")),
    20500: (500, "An internal server error has occurred"),
    20429: (429, "Too Many Requests"),
}


class FakeTwilio:
    def __init__(self, port: int = 0, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN,
                 echo: bool = False):
        self.account_sid, self.auth_token, self.echo = account_sid, auth_token, echo
        self.messages: list[dict] = []
        self._lock = threading.Condition()
        self._fail_next: list[int] = []
        self._fail_for: dict[str, int] = {}
        self._slow_next: list[float] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-twilio", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> FakeTwilio:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- what tests tell it ----------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.messages.clear()
            self._fail_next.clear()
            self._fail_for.clear()
            self._slow_next.clear()

    def fail_next(self, n: int, status: int = 500) -> None:
        """The next n requests get an HTTP error (500: Twilio failing, 429: rate limited)."""
        with self._lock:
            self._fail_next.extend([status] * n)

    def slow_next(self, n: int, seconds: float) -> None:
        """The next n messages are accepted (sent) but answered only after `seconds`: a client
        with a shorter timeout cannot know that they went."""
        with self._lock:
            self._slow_next.extend([seconds] * n)

    def fail_for(self, number: str, code: int) -> None:
        """Every message to this number gets Twilio's error `code` (21610 opted out, 63016 window closed)."""
        with self._lock:
            self._fail_for[number.removeprefix("whatsapp:")] = code

    # -- what tests read -------------------------------------------------------------------

    def delivered(self) -> list[dict]:
        """The messages Twilio accepted (201)."""
        with self._lock:
            return [m for m in self.messages if m["status_code"] == 201]

    def wait_for(self, predicate, timeout: float = 10.0) -> list[dict]:
        """Waits until predicate(messages) is true; returns the messages (a copy)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(list(self.messages)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"fake Twilio: condition not met in {timeout}s; got {len(self.messages)} "
                                       f"requests: {[(m['To'], m['status_code']) for m in self.messages]}")
                self._lock.wait(remaining)
            return list(self.messages)

    # -- answering -------------------------------------------------------------------------

    def _answer(self, path: str, auth: str | None, form: dict) -> tuple[int, dict]:
        parts = urlparse(path).path.strip("/").split("/")
        account = parts[2] if len(parts) > 2 else ""
        record = {"To": form.get("To", ""), "From": form.get("From", ""), "Body": form.get("Body", ""),
                  "ContentSid": form.get("ContentSid", ""), "AccountSid": account, "path": path,
                  "received": time.time()}
        with self._lock:
            code = self._fail_for.get(record["To"].removeprefix("whatsapp:"))
            if len(parts) != 4 or parts[:2] != ["2010-04-01", "Accounts"] or parts[3] != "Messages.json":
                status, body = _error(20404)
            elif account != self.account_sid or auth != _basic(self.account_sid, self.auth_token):
                status, body = _error(20003)
            elif self._fail_next:
                forced = self._fail_next.pop(0)
                status, body = _error({500: 20500, 429: 20429}.get(forced, 20500), status=forced)
            elif code:
                status, body = _error(code)
            elif not record["To"] or not (record["Body"] or record["ContentSid"]):
                status, body = 400, {"code": 21602, "message": "Message body is required.", "status": 400,
                                     "more_info": "https://www.twilio.com/docs/errors/21602"}
            else:
                status, body = 201, self._resource(account, record)
            record.update(status_code=status, sid=body.get("sid", ""), resource=body if status == 201 else None)
            if status == 201 and self._slow_next:
                record["delay"] = self._slow_next.pop(0)
            self.messages.append(record)
            self._lock.notify_all()
        if self.echo:
            print(f"{status} {record['From']} -> {record['To']}: {record['Body'] or record['ContentSid']}", flush=True)
        if record.get("delay"):
            time.sleep(record["delay"])
        return status, body

    def _list(self, path: str, auth: str | None) -> tuple[int, dict]:
        """GET .../Messages.json?To=&From=: the accepted messages, newest first, as Twilio pages them."""
        url = urlparse(path)
        parts = url.path.strip("/").split("/")
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if len(parts) != 4 or parts[3] != "Messages.json" or auth != _basic(self.account_sid, self.auth_token):
            return _error(20003)
        with self._lock:
            found = [m["resource"] for m in reversed(self.messages) if m.get("resource")
                     and m["To"] == query.get("To", m["To"]) and m["From"] == query.get("From", m["From"])]
        return 200, {"messages": found, "end": max(len(found) - 1, 0), "first_page_uri": url.path,
                     "next_page_uri": None, "page": 0, "page_size": 50, "previous_page_uri": None, "start": 0,
                     "uri": path}

    @staticmethod
    def _resource(account: str, record: dict) -> dict:
        sid = "SM" + uuid.uuid4().hex
        now = formatdate(usegmt=True)
        return {"sid": sid, "account_sid": account, "to": record["To"], "from": record["From"],
                "body": record["Body"], "status": "queued", "direction": "outbound-api", "num_segments": "1",
                "num_media": "0", "price": None, "price_unit": "USD", "error_code": None, "error_message": None,
                "messaging_service_sid": None, "api_version": "2010-04-01",
                "date_created": now, "date_updated": now, "date_sent": None,
                "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
                "subresource_uris": {"media": f"/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json"}}


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _error(code: int, status: int | None = None) -> tuple[int, dict]:
    http_status, message = ERRORS.get(code, (400, "Error"))
    status = status or http_status
    return status, {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                    "status": status}


def _handler(server: FakeTwilio):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's requests session expects
        disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

        def do_POST(self):  # http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
            status, body = server._answer(self.path, self.headers.get("Authorization"), form)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            status, body = server._list(self.path, self.headers.get("Authorization"))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # quiet: tests read server.messages instead
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--account-sid", default=ACCOUNT_SID)
    parser.add_argument("--auth-token", default=AUTH_TOKEN)
    args = parser.parse_args()
    server = FakeTwilio(args.port, args.account_sid, args.auth_token, echo=True).start()
    print(f"fake Twilio on {server.url}: export TWILIO_API_BASE={server.url} TWILIO_ACCOUNT_SID={args.account_sid} "
          f"TWILIO_AUTH_TOKEN={args.auth_token}", flush=True)
    try:
        server._thread.join()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
