"""The HTTP server on 127.0.0.1 and `FakeStripe`: the API's routes, idempotency, and failures on demand."""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fake_stripe.page import PaymentPage
from tests.fake_stripe.protocol import Call, StripeError, _invalid, _missing, parse_params
from tests.fake_stripe.refunds import Refunds
from tests.fake_stripe.transfers import Transfers

KEY_REUSED = (
    "Keys for idempotent requests can only be used with the same parameters they were first used with."
)


@dataclass
class _Rule:
    """A `fail()` or `hang()` instruction for the next `times` matching requests."""

    method: str
    path_prefix: str
    times: int
    status: int = 0
    error: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    until: threading.Event | None = None  #: a hang ends when this is set, if that comes before `seconds`

    def wait_out(self) -> None:
        if self.until is None:
            time.sleep(self.seconds)
        else:
            self.until.wait(self.seconds)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeStripe, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that gave up (timeout) is normal
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else url.query
        form = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
        call = Call(method, url.path, dict(self.headers), form)
        if url.path == "/pay" or url.path.startswith("/pay/"):  # the customer's browser: no API key
            (status, body, headers), hang = self.server.fake._page(call), None
        else:
            status, body, headers, hang = self.server.fake._answer(call)
        if hang is not None:  # after the work is done: the request reached "Stripe", the answer comes late
            hang.wait_out()
        data = body.encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeStripe(PaymentPage, Refunds, Transfers):
    """The server plus its state. All state is guarded by one lock; requests are served concurrently."""

    def __init__(
        self, webhook_url: str | None = None, webhook_secret: str | None = None, port: int = 0
    ) -> None:
        """`webhook_url`: where the payment page's buttons deliver their events, signed with
        `webhook_secret` (required with it). `port`: 0 = any free port on 127.0.0.1."""
        super().__init__(webhook_url, webhook_secret)
        # Idempotency-Key → ((method, path, form), status, body) of the first answer
        self._saved: dict[str, tuple[tuple[str, str, dict[str, str]], int, str]] = {}
        self._failures: list[_Rule] = []
        self._hangs: list[_Rule] = []
        self._server = _Server(self, port)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving (within the 0.05 s poll interval) and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> FakeStripe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def calls_to(self, method: str, path_prefix: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method.upper() and c.path.startswith(path_prefix)]

    def fail(
        self,
        method: str,
        path_prefix: str,
        *,
        status: int = 500,
        times: int = 1,
        error: dict[str, Any] | None = None,
    ) -> None:
        """The next `times` matching requests answer `status` with a Stripe error body."""
        if error is None and status == 402:
            error = {"type": "card_error", "code": "card_declined", "message": "Your card was declined."}
        error = error or {"type": "api_error", "message": "Fake failure"}
        with self._lock:
            self._failures.append(_Rule(method.upper(), path_prefix, times, status=status, error=error))

    def hang(
        self,
        method: str,
        path_prefix: str,
        *,
        seconds: float,
        times: int = 1,
        until: threading.Event | None = None,
    ) -> None:
        """The next `times` matching requests are processed, then answered `seconds` late (or as soon as
        `until` is set, if that comes first: a test that needs a request held waits on its event)."""
        with self._lock:
            self._hangs.append(_Rule(method.upper(), path_prefix, times, seconds=seconds, until=until))

    @staticmethod
    def _take(rules: list[_Rule], call: Call) -> _Rule | None:
        for rule in rules:
            if rule.method == call.method and call.path.startswith(rule.path_prefix):
                rule.times -= 1
                if rule.times <= 0:
                    rules.remove(rule)
                return rule
        return None

    def _answer(self, call: Call) -> tuple[int, str, dict[str, str], _Rule | None]:
        """Status, JSON body, extra headers and the hang (if any) for one request."""
        headers = {k.lower(): v for k, v in call.headers.items()}
        with self._lock:
            self.calls.append(call)
            hang = self._take(self._hangs, call)
            if not headers.get("authorization", "").startswith("Bearer sk_test_"):
                err = StripeError(
                    401, {"type": "authentication_error", "message": "Invalid API Key provided."}
                )
                return 401, err.body, {}, hang
            key = headers.get("idempotency-key") if call.method == "POST" else None
            fingerprint = (call.method, call.path, call.form)
            if key is not None and key in self._saved:
                saved_fingerprint, status, body = self._saved[key]
                if saved_fingerprint == fingerprint:
                    return status, body, {"Idempotent-Replayed": "true"}, hang
                err = StripeError(400, {"type": "idempotency_error", "message": KEY_REUSED})
                return 400, err.body, {}, hang
            failure = self._take(self._failures, call)
            if failure is not None:
                status, body, save = failure.status, StripeError(failure.status, failure.error).body, True
            else:
                try:
                    status, body = 200, json.dumps(self._route(call))
                except StripeError as err:
                    status, body = err.status, err.body
                save = status not in (400, 401, 404)  # Stripe keeps no result when validation failed
            if key is not None and save:
                self._saved[key] = (fingerprint, status, body)
            return status, body, {}, hang

    def _route(self, call: Call) -> dict[str, Any]:
        params = parse_params(call.form)
        path = call.path.rstrip("/")
        if call.method == "POST" and path == "/v1/checkout/sessions":
            return self._create_session(params)
        if call.method == "POST" and (m := re.fullmatch(r"/v1/checkout/sessions/([^/]+)/expire", path)):
            return self._expire_session(m[1])
        if call.method == "POST" and path == "/v1/refunds":
            return self._create_refund(params)
        if call.method == "POST" and path == "/v1/transfers":
            return self._create_transfer(params)
        kinds = {
            "checkout/sessions": (self.sessions, "checkout.session", "session"),
            "payment_intents": (self.payment_intents, "payment_intent", "intent"),
            "charges": (self.charges, "charge", "charge"),
            "refunds": (self.refunds, "refund", "refund"),
            "transfers": (self.transfers, "transfer", "id"),
        }
        m = re.fullmatch(r"/v1/(checkout/sessions|payment_intents|charges|refunds|transfers)/([^/]+)", path)
        if call.method == "GET" and m:
            store, kind, param = kinds[m[1]]
            if m[2] not in store:
                raise _missing(kind, m[2], param)
            return store[m[2]]
        raise _invalid(f"Unrecognized request URL ({call.method}: {call.path}).", status=404)
