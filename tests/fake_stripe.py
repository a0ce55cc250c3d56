"""A small, stateful, Stripe-compatible HTTP server on 127.0.0.1 for tests.

The real `stripe` library talks to it over HTTP::

    fake = FakeStripe()
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": fake.base}, max_network_retries=2)

It knows only the routes the shop uses (Checkout Sessions, payment intents, refunds, transfers, and GET of
each object), answers errors in Stripe's shapes so the library raises the same exception classes, and keeps
Stripe's idempotency rules: the first result for an `Idempotency-Key` is saved (500s included) and replayed.
Like Stripe, parameter errors (400/404) are not saved, so a corrected retry with the same key may run.

It also serves the customer's side, so a real browser can pay: a session's `url` (`/pay/<session id>`) is
a small HTML page with "Pay" and "Decline card" buttons. With a `webhook_url` (and its `webhook_secret`),
those buttons deliver the signed event (`checkout.session.completed`, `payment_intent.payment_failed`) to
the shop before the browser is sent on. By hand, for a developer::

    python -m tests.fake_stripe --port 12111 \\
        --webhook-url http://127.0.0.1:5000/stripe/webhook --webhook-secret whsec_dev
"""

from __future__ import annotations

import argparse
import copy
import html
import http.client
import itertools
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import stripe

CLOCK_SLACK_S = 10  # `expires_at` bounds allow for the time the request takes to arrive
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
SYMBOLS = {"eur": "€", "usd": "$", "gbp": "£"}
KEY_REUSED = (
    "Keys for idempotent requests can only be used with the same parameters they were first used with."
)
DECLINED = {"code": "card_declined", "message": "Your card was declined."}
WEBHOOK_TIMEOUT_S = 10
HTML = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


@dataclass
class Call:
    """One request as received: path without query string; `form` = flat decoded params (body or query)."""

    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class _Rule:
    """A `fail()` or `hang()` instruction for the next `times` matching requests."""

    method: str
    path_prefix: str
    times: int
    status: int = 0
    error: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


class StripeError(Exception):
    """An error answer: HTTP status and the `error` object of Stripe's `{"error": {...}}` body."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error["message"])
        self.status, self.error = status, error

    @property
    def body(self) -> str:
        return json.dumps({"error": self.error})


def _invalid(
    message: str, param: str | None = None, code: str | None = None, *, status: int = 400
) -> StripeError:
    error = {"type": "invalid_request_error", "message": message, "param": param, "code": code}
    return StripeError(status, {k: v for k, v in error.items() if v is not None})


def _missing(kind: str, id_: str, param: str, *, status: int = 404) -> StripeError:
    return _invalid(f"No such {kind}: '{id_}'", param, "resource_missing", status=status)


def parse_params(form: dict[str, str]) -> dict[str, Any]:
    """Rebuild nested params from Stripe's flat form keys: `a[b][0][c]=v` → {"a": {"b": [{"c": "v"}]}}."""
    root: dict[str, Any] = {}
    for key, value in form.items():
        parts = [key.split("[", 1)[0], *re.findall(r"\[([^\]]*)\]", key)]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise _invalid(f"Invalid params: {key} conflicts with another param", key)
        node[parts[-1]] = value
    nested: dict[str, Any] = _lists(root)
    return nested


def _lists(node: Any, key: str = "") -> Any:
    """Dicts whose keys are all indexes become lists (metadata keys stay as they are)."""
    if not isinstance(node, dict):
        return node
    node = {k: _lists(v, k) for k, v in node.items()}
    if key != "metadata" and node and all(k.isdigit() for k in node):
        return [node[k] for k in sorted(node, key=int)]
    return node


def _require(params: Any, name: str, param: str) -> Any:
    value = params.get(name) if isinstance(params, dict) else None
    if value in (None, "", {}, []):
        raise _invalid(f"Missing required param: {param}.", param)
    return value


def _int(value: Any, param: str, minimum: int = 0) -> int:
    if value is None:
        raise _invalid(f"Missing required param: {param}.", param)
    if not (isinstance(value, str) and value.isdigit() and int(value) >= minimum):
        raise _invalid(f"Invalid integer: {value!r} (must be ≥ {minimum})", param)
    return int(value)


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    value = params.get("metadata")
    return dict(value) if isinstance(value, dict) else {}


def _money(amount: int, currency: str) -> str:
    return f"{SYMBOLS.get(currency, currency.upper() + ' ')}{amount / 100:.2f}"


def _plain_money(amount: int, currency: str) -> str:
    """As the payment page shows it: `35.49 EUR`."""
    return f"{amount // 100}.{amount % 100:02d} {currency.upper()}"


def _html_page(title: str, body: str) -> str:
    """A whole page; `title` is plain text, `body` is HTML that goes into <main>."""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def _back_link(url: str | None) -> str:
    return f'<p><a href="{html.escape(url)}">Back to the shop</a></p>\n' if url else ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Like Stripe, a webhook answered with a redirect is not followed: its 3xx status is the result."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# Straight to the URL (no proxy from the environment), no redirects followed.
_WEBHOOK_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())


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
            (status, body, headers), delay = self.server.fake._page(call), 0.0
        else:
            status, body, headers, delay = self.server.fake._answer(call)
        time.sleep(delay)  # after the work is done: the request reached "Stripe", the answer comes late
        data = body.encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeStripe:
    """The server plus its state. All state is guarded by one lock; requests are served concurrently."""

    def __init__(
        self, webhook_url: str | None = None, webhook_secret: str | None = None, port: int = 0
    ) -> None:
        """`webhook_url`: where the payment page's buttons deliver their events, signed with
        `webhook_secret` (required with it). `port`: 0 = any free port on 127.0.0.1."""
        if webhook_url is not None and not webhook_secret:
            raise ValueError("a webhook_url needs the webhook_secret to sign the events with")
        self.webhook_url, self.webhook_secret = webhook_url, webhook_secret
        self.webhook_deliveries: list[tuple[str, int]] = []  # (event type, HTTP status; 0 = no answer)
        self.calls: list[Call] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.transfers: dict[str, dict[str, Any]] = {}
        self._session_params: dict[str, dict[str, Any]] = {}  # what create sent, e.g. payment_intent_data
        self._declined: set[str] = set()  # sessions whose page shows "Your card was declined."
        self._pending_intents: dict[str, str] = {}  # session → intent of a declined try, reused by pay()
        # Idempotency-Key → ((method, path, form), status, body) of the first answer
        self._saved: dict[str, tuple[tuple[str, str, dict[str, str]], int, str]] = {}
        self._failures: list[_Rule] = []
        self._hangs: list[_Rule] = []
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
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

    def hang(self, method: str, path_prefix: str, *, seconds: float, times: int = 1) -> None:
        """The next `times` matching requests are processed, then answered `seconds` late."""
        with self._lock:
            self._hangs.append(_Rule(method.upper(), path_prefix, times, seconds=seconds))

    def pay(
        self,
        session_id: str,
        *,
        asynchronous: bool = False,
        amount_total: int | None = None,
        currency: str | None = None,
    ) -> dict[str, Any]:
        """The customer finishes the hosted page: a payment intent and a charge appear, the session completes.

        `asynchronous` = a delayed method (e.g. SEPA debit): payment_status "unpaid", intent "processing",
        charge "pending". `amount_total`/`currency` override the session's, to fake a mismatch.
        Returns a copy of the session.
        """
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                raise ValueError(f"{session_id} is {session['status']}, it cannot be paid")
            amount = session["amount_total"] if amount_total is None else amount_total
            currency = currency or session["currency"]
            intent_data = self._intent_data(session_id)
            pi_id = self._pending_intents.pop(session_id, None) or self._new_id("pi_test")
            ch_id, now = self._new_id("ch_test"), int(time.time())
            common = {
                "amount": amount, "currency": currency, "metadata": _metadata(intent_data),
                "transfer_group": intent_data.get("transfer_group"), "created": now, "livemode": False,
            }  # fmt: skip
            self.charges[ch_id] = {
                "id": ch_id, "object": "charge", **common, "amount_refunded": 0, "payment_intent": pi_id,
                "refunded": False, "paid": not asynchronous,
                "status": "pending" if asynchronous else "succeeded",
            }  # fmt: skip
            self.payment_intents[pi_id] = {
                "id": pi_id, "object": "payment_intent", **common, "latest_charge": ch_id,
                "status": "processing" if asynchronous else "succeeded",
            }  # fmt: skip
            session["status"] = "complete"
            session["payment_status"] = "unpaid" if asynchronous else "paid"
            session["payment_intent"] = pi_id
            session.update(amount_total=amount, amount_subtotal=amount, currency=currency)
            return copy.deepcopy(session)

    def event(
        self, type: str, obj: dict[str, Any], *, id: str | None = None, created: int | None = None
    ) -> dict[str, Any]:
        """A Stripe event envelope around a copy of `obj`, as a webhook would deliver it."""
        return {
            "id": id or self._new_id("evt_test"), "object": "event", "api_version": stripe.api_version,
            "created": int(time.time()) if created is None else created, "livemode": False,
            "pending_webhooks": 1, "type": type, "data": {"object": copy.deepcopy(obj)},
        }  # fmt: skip

    def decline(self, session_id: str) -> dict[str, Any] | None:
        """The customer's card is declined on the hosted page: the session stays open, its page says so.

        Returns a copy of the failed payment intent (the same one for every try, and the one `pay()` then
        completes), or None when the session is no longer open.
        """
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                return None
            intent_data = self._intent_data(session_id)
            pi_id = self._pending_intents.get(session_id) or self._new_id("pi_test")
            self._pending_intents[session_id] = pi_id
            self._declined.add(session_id)
            self.payment_intents[pi_id] = {
                "id": pi_id, "object": "payment_intent", "amount": session["amount_total"],
                "currency": session["currency"], "metadata": _metadata(intent_data),
                "transfer_group": intent_data.get("transfer_group"), "created": int(time.time()),
                "livemode": False, "latest_charge": None, "status": "requires_payment_method",
                "last_payment_error": dict(DECLINED),
            }  # fmt: skip
            return copy.deepcopy(self.payment_intents[pi_id])

    def deliver(self, event: dict[str, Any]) -> int | None:
        """POST `event`, signed, to `webhook_url` as Stripe does; the status is added to `webhook_deliveries`.

        0 = no HTTP answer (refused, timed out). Returns None, delivering nothing, without a `webhook_url`.
        Never call it holding the lock: the shop may call back while it handles the event.
        """
        if self.webhook_url is None or self.webhook_secret is None:
            return None
        payload, header = signed(event, self.webhook_secret)
        request = urllib.request.Request(
            self.webhook_url,
            data=payload.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": header,
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        try:
            with _WEBHOOK_OPENER.open(request, timeout=WEBHOOK_TIMEOUT_S) as response:
                status = int(response.status)
        except urllib.error.HTTPError as err:  # 3xx/4xx/5xx: an answer all the same
            status = err.code
            err.close()
        except (OSError, http.client.HTTPException):
            status = 0
        with self._lock:
            self.webhook_deliveries.append((event["type"], status))
        return status

    # --- request handling (server threads) ---

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._counter)}"

    def _intent_data(self, session_id: str) -> dict[str, Any]:
        intent_data = self._session_params[session_id].get("payment_intent_data")
        return intent_data if isinstance(intent_data, dict) else {}

    def _page(self, call: Call) -> tuple[int, str, dict[str, str]]:
        """The hosted payment page and its buttons: status, HTML body and headers (a 303 has no body)."""
        with self._lock:
            self.calls.append(call)
        m = re.fullmatch(r"/pay/([^/]+)(?:/(pay|decline))?/?", call.path)
        with self._lock:
            known = m is not None and m[1] in self.sessions
        if m is None or not known or (call.method == "GET") != (m[2] is None):
            body = "<h1>Not found</h1>\n<p>There is no such payment page.</p>\n"
            return 404, _html_page("Not found", body), HTML
        sid, page = m[1], f"{self.base}/pay/{m[1]}"
        if m[2] is None:
            with self._lock:
                return 200, self._page_html(sid), HTML
        if m[2] == "pay":
            try:
                session = self.pay(sid)
            except ValueError:  # already complete or expired (a second click, another tab)
                return 303, "", {**HTML, "Location": page}
            self.deliver(self.event("checkout.session.completed", session))
            return 303, "", {**HTML, "Location": session["success_url"]}
        intent = self.decline(sid)
        if intent is not None:
            self.deliver(self.event("payment_intent.payment_failed", intent))
        return 303, "", {**HTML, "Location": page}

    def _page_html(self, sid: str) -> str:
        session = self.sessions[sid]
        if session["status"] == "complete":
            body = "<h1>Payment complete</h1>\n<p>This payment is complete.</p>\n"
            return _html_page("Payment complete", body + _back_link(session["success_url"]))
        if session["status"] != "open":
            body = "<h1>Payment page expired</h1>\n<p>This payment page has expired.</p>\n"
            return _html_page("Payment page expired", body + _back_link(session["cancel_url"]))
        amount = _plain_money(session["amount_total"], session["currency"])
        items = "".join(
            f"<li>{html.escape(str(item['price_data']['product_data']['name']))} × {item['quantity']}</li>\n"
            for item in self._session_params[sid]["line_items"]
        )
        declined = f'<p role="alert">{DECLINED["message"]}</p>\n' if sid in self._declined else ""
        body = (
            f"<h1>Pay {amount}</h1>\n"
            "<p>The fake Stripe server for tests: no card is charged.</p>\n"
            f"<h2>Order</h2>\n<ul>\n{items}</ul>\n{declined}"
            f'<form method="post" action="/pay/{sid}/pay"><button type="submit">Pay</button></form>\n'
            f'<form method="post" action="/pay/{sid}/decline"><button type="submit">Decline card</button>'
            "</form>\n"
        )
        return _html_page(f"Pay {amount}", body + _back_link(session["cancel_url"]))

    @staticmethod
    def _take(rules: list[_Rule], call: Call) -> _Rule | None:
        for rule in rules:
            if rule.method == call.method and call.path.startswith(rule.path_prefix):
                rule.times -= 1
                if rule.times <= 0:
                    rules.remove(rule)
                return rule
        return None

    def _answer(self, call: Call) -> tuple[int, str, dict[str, str], float]:
        """Status, JSON body, extra headers and delay for one request."""
        headers = {k.lower(): v for k, v in call.headers.items()}
        with self._lock:
            self.calls.append(call)
            hang = self._take(self._hangs, call)
            delay = hang.seconds if hang else 0.0
            if not headers.get("authorization", "").startswith("Bearer sk_test_"):
                err = StripeError(
                    401, {"type": "authentication_error", "message": "Invalid API Key provided."}
                )
                return 401, err.body, {}, delay
            key = headers.get("idempotency-key") if call.method == "POST" else None
            fingerprint = (call.method, call.path, call.form)
            if key is not None and key in self._saved:
                saved_fingerprint, status, body = self._saved[key]
                if saved_fingerprint == fingerprint:
                    return status, body, {"Idempotent-Replayed": "true"}, delay
                err = StripeError(400, {"type": "idempotency_error", "message": KEY_REUSED})
                return 400, err.body, {}, delay
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
            return status, body, {}, delay

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

    def _create_session(self, p: dict[str, Any]) -> dict[str, Any]:
        if _require(p, "mode", "mode") != "payment":
            raise _invalid(f"Invalid mode: {p['mode']!r} (this fake knows only 'payment')", "mode")
        _require(p, "success_url", "success_url")
        items = _require(p, "line_items", "line_items")
        if not isinstance(items, list):
            raise _invalid("Invalid array", "line_items")
        total, currencies = 0, set()
        for i, item in enumerate(items):
            at = f"line_items[{i}]"
            price = _require(item, "price_data", f"{at}[price_data]")
            product = _require(price, "product_data", f"{at}[price_data][product_data]")
            _require(product, "name", f"{at}[price_data][product_data][name]")
            currencies.add(_require(price, "currency", f"{at}[price_data][currency]").lower())
            unit_amount = _int(price.get("unit_amount"), f"{at}[price_data][unit_amount]")
            total += unit_amount * _int(item.get("quantity"), f"{at}[quantity]", minimum=1)
        if len(currencies) > 1:
            raise _invalid("All line items must have the same currency.", "line_items")
        now = int(time.time())
        expires_at = now + 24 * 3600
        if "expires_at" in p:
            expires_at = _int(p["expires_at"], "expires_at")
            if not now + 30 * 60 - CLOCK_SLACK_S <= expires_at <= now + 24 * 3600 + CLOCK_SLACK_S:
                message = "expires_at must be between 30 minutes and 24 hours from Checkout Session creation."
                raise _invalid(message, "expires_at")
        sid = self._new_id("cs_test")
        self._session_params[sid] = p
        self.sessions[sid] = {
            "id": sid, "object": "checkout.session", "url": f"{self.base}/pay/{sid}", "status": "open",
            "payment_status": "unpaid", "amount_total": total, "amount_subtotal": total,
            "currency": currencies.pop(), "client_reference_id": p.get("client_reference_id"),
            "customer_email": p.get("customer_email"), "metadata": _metadata(p), "payment_intent": None,
            "expires_at": expires_at, "created": now, "success_url": p["success_url"],
            "cancel_url": p.get("cancel_url"), "mode": "payment", "livemode": False,
        }  # fmt: skip
        return self.sessions[sid]

    def _expire_session(self, sid: str) -> dict[str, Any]:
        if sid not in self.sessions:
            raise _missing("checkout.session", sid, "session")
        session = self.sessions[sid]
        if session["status"] != "open":
            raise _invalid("Only Checkout Sessions with a status in [open] can be expired.")
        session["status"] = "expired"
        return session

    def _create_refund(self, p: dict[str, Any]) -> dict[str, Any]:
        amount = _int(p["amount"], "amount", minimum=1) if "amount" in p else None
        if p.get("reason") is not None and p["reason"] not in REFUND_REASONS:
            raise _invalid(f"Invalid reason: must be one of {', '.join(REFUND_REASONS)}", "reason")
        if p.get("payment_intent"):
            if p["payment_intent"] not in self.payment_intents:
                raise _missing("payment_intent", p["payment_intent"], "payment_intent", status=400)
            charge = self.charges[self.payment_intents[p["payment_intent"]]["latest_charge"]]
        elif p.get("charge"):
            if p["charge"] not in self.charges:
                raise _missing("charge", p["charge"], "charge", status=400)
            charge = self.charges[p["charge"]]
        else:
            raise _invalid("One of these params should be provided: payment_intent or charge.")
        rest = charge["amount"] - charge["amount_refunded"]
        if rest == 0:
            message = f"Charge {charge['id']} has already been refunded."
            raise _invalid(message, code="charge_already_refunded")
        amount = rest if amount is None else amount
        if amount > rest:
            currency = charge["currency"]
            message = (
                f"Refund amount ({_money(amount, currency)}) is greater than unrefunded amount on charge "
                f"({_money(rest, currency)})"
            )
            raise _invalid(message, "amount")
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        rid = self._new_id("re_test")
        self.refunds[rid] = {
            "id": rid, "object": "refund", "amount": amount, "currency": charge["currency"],
            "status": "succeeded", "payment_intent": charge["payment_intent"], "charge": charge["id"],
            "metadata": _metadata(p), "created": int(time.time()), "reason": p.get("reason"),
        }  # fmt: skip
        return self.refunds[rid]

    def _create_transfer(self, p: dict[str, Any]) -> dict[str, Any]:
        amount = _int(p.get("amount"), "amount", minimum=1)
        currency = _require(p, "currency", "currency").lower()
        destination = _require(p, "destination", "destination")
        if not destination.startswith("acct_"):
            raise _missing("destination", destination, "destination", status=400)
        source = p.get("source_transaction")
        if source is not None and source not in self.charges:
            raise _missing("charge", source, "source_transaction", status=400)
        tid = self._new_id("tr_test")
        self.transfers[tid] = {
            "id": tid, "object": "transfer", "amount": amount, "currency": currency,
            "destination": destination, "transfer_group": p.get("transfer_group"),
            "source_transaction": source, "metadata": _metadata(p),
            "reversed": False, "created": int(time.time()), "livemode": False,
        }  # fmt: skip
        return self.transfers[tid]


def signed(event: dict[str, Any], secret: str, *, age_s: int = 0) -> tuple[str, str]:
    """(payload, Stripe-Signature header) exactly as Stripe signs a webhook, `age_s` seconds ago."""
    payload = json.dumps(event)
    timestamp = int(time.time()) - age_s
    return payload, stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def main(argv: list[str] | None = None) -> None:
    """Serve a fake Stripe on 127.0.0.1 for a developer's browser, until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.fake_stripe", description="A fake Stripe, with a payment page, for development."
    )
    parser.add_argument("--port", type=int, default=12111, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument(
        "--webhook-url", help="where to POST the events, e.g. http://127.0.0.1:5000/stripe/webhook"
    )
    parser.add_argument("--webhook-secret", help="the whsec_… secret the shop verifies the events with")
    args = parser.parse_args(argv)
    if args.webhook_url and not args.webhook_secret:
        parser.error("--webhook-url needs --webhook-secret")
    with FakeStripe(args.webhook_url, args.webhook_secret, port=args.port) as fake:
        print(fake.base, flush=True)
        print(
            f"Run the shop with STRIPE_API_BASE={fake.base} STRIPE_SECRET_KEY=sk_test_<anything>"
            + (f" STRIPE_WEBHOOK_SECRET={args.webhook_secret}" if args.webhook_secret else "")
            + ". Ctrl-C stops.",
            file=sys.stderr,
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
