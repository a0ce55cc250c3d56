"""The fake Stripe server, driven by the real stripe library over loopback HTTP."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import stripe

from tests.fake_stripe import FakeStripe, NoRedirect, parse_params, signed

KEY = "sk_test_fake"
WEBHOOK_SECRET = "whsec_fake_test"


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


def make_client(
    fake: FakeStripe, *, retries: int = 2, timeout: float = 5, api_key: str = KEY
) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": fake.base},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


@pytest.fixture
def client(fake: FakeStripe, monkeypatch: pytest.MonkeyPatch) -> stripe.StripeClient:
    monkeypatch.setattr(stripe.HTTPClient, "INITIAL_DELAY", 0)  # the library's retries without sleeping
    return make_client(fake)


def session_params(order_id: int = 42, **extra: Any) -> Any:  # Any: the library types params as TypedDicts
    return {
        "mode": "payment",
        "success_url": "http://shop.test/ok",
        "cancel_url": "http://shop.test/cart",
        "client_reference_id": str(order_id),
        "metadata": {"order_id": str(order_id)},
        "payment_intent_data": {
            "transfer_group": f"ORDER_{order_id}",
            "metadata": {"order_id": str(order_id)},
        },
        "line_items": [
            {
                "quantity": 2,
                "price_data": {"currency": "eur", "unit_amount": 1250, "product_data": {"name": "Towel"}},
            },
            {
                "quantity": 1,
                "price_data": {"currency": "eur", "unit_amount": 500, "product_data": {"name": "Honey"}},
            },
        ],
        **extra,
    }


def test_parse_params_rebuilds_nested_dicts_and_lists() -> None:
    form = {
        "line_items[0][price_data][unit_amount]": "1250",
        "line_items[1][quantity]": "2",
        "metadata[0]": "x",
    }
    assert parse_params(form) == {
        "line_items": [{"price_data": {"unit_amount": "1250"}}, {"quantity": "2"}],
        "metadata": {"0": "x"},
    }


def test_create_retrieve_pay_and_refund(fake: FakeStripe, client: stripe.StripeClient) -> None:
    expires_at = int(time.time()) + 30 * 60
    cs = client.v1.checkout.sessions.create(
        session_params(expires_at=expires_at), {"idempotency_key": "checkout-42-1"}
    )
    assert (cs.status, cs.payment_status, cs.amount_total, cs.currency) == ("open", "unpaid", 3000, "eur")
    assert (
        cs.metadata.order_id == "42" and cs.url == f"{fake.base}/pay/{cs.id}" and cs.expires_at == expires_at
    )
    call = fake.calls_to("POST", "/v1/checkout/sessions")[0]
    assert call.headers["Idempotency-Key"] == "checkout-42-1"
    assert call.form["line_items[0][price_data][unit_amount]"] == "1250"
    assert call.form["payment_intent_data[transfer_group]"] == "ORDER_42"

    assert client.v1.checkout.sessions.retrieve(cs.id).status == "open"
    paid = fake.pay(cs.id)
    assert (paid["status"], paid["payment_status"]) == ("complete", "paid")
    intent = client.v1.payment_intents.retrieve(paid["payment_intent"])
    assert (intent.status, intent.amount, intent.transfer_group) == ("succeeded", 3000, "ORDER_42")
    assert intent.metadata.order_id == "42"

    for amount in (1000, 500):
        refund = client.v1.refunds.create(
            {"payment_intent": intent.id, "amount": amount, "metadata": {"r": "1"}}
        )
        assert (refund.amount, refund.status, refund.charge) == (amount, "succeeded", intent.latest_charge)
    with pytest.raises(stripe.InvalidRequestError) as over:
        client.v1.refunds.create({"payment_intent": intent.id, "amount": 2000})
    assert over.value.param == "amount"
    assert "Refund amount (€20.00) is greater than unrefunded amount on charge (€15.00)" in str(over.value)
    assert fake.charges[intent.latest_charge]["amount_refunded"] == 1500

    rest = client.v1.refunds.create({"payment_intent": intent.id})
    assert rest.amount == 1500 and fake.charges[intent.latest_charge]["refunded"] is True
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.refunds.create({"charge": intent.latest_charge, "amount": 1})
    assert again.value.code == "charge_already_refunded"
    assert len(fake.refunds) == 3


def test_asynchronous_payment_and_faked_mismatch(fake: FakeStripe, client: stripe.StripeClient) -> None:
    cs = client.v1.checkout.sessions.create(session_params())
    paid = fake.pay(cs.id, asynchronous=True, amount_total=1, currency="usd")
    assert (paid["payment_status"], paid["amount_total"], paid["currency"]) == ("unpaid", 1, "usd")
    assert fake.payment_intents[paid["payment_intent"]]["status"] == "processing"
    event = fake.event("checkout.session.completed", paid)
    assert event["data"]["object"] == paid and event["data"]["object"] is not paid
    assert event["id"].startswith("evt_test_") and event["type"] == "checkout.session.completed"


def test_same_key_replays_one_session(fake: FakeStripe, client: stripe.StripeClient) -> None:
    first = client.v1.checkout.sessions.create(session_params(), {"idempotency_key": "checkout-42-1"})
    fake.pay(first.id)
    second = client.v1.checkout.sessions.create(session_params(), {"idempotency_key": "checkout-42-1"})
    assert second.id == first.id and second.status == "open"  # the saved response, not the current state
    assert second.last_response.headers["Idempotent-Replayed"] == "true"
    assert len(fake.sessions) == 1


def test_same_key_different_params_is_an_idempotency_error(client: stripe.StripeClient) -> None:
    client.v1.checkout.sessions.create(session_params(42), {"idempotency_key": "k"})
    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(session_params(43), {"idempotency_key": "k"})


def test_validation_errors_are_not_saved_for_the_key(fake: FakeStripe, client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.checkout.sessions.create({**session_params(), "line_items": []}, {"idempotency_key": "k"})
    assert missing.value.param == "line_items"
    too_soon = int(time.time()) + 10 * 60
    with pytest.raises(stripe.InvalidRequestError) as expiry:
        client.v1.checkout.sessions.create(session_params(expires_at=too_soon), {"idempotency_key": "k"})
    assert expiry.value.param == "expires_at"
    assert client.v1.checkout.sessions.create(session_params(), {"idempotency_key": "k"}).status == "open"


def test_injected_500_is_retried_with_the_same_key_and_replayed(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    fake.fail("POST", "/v1/refunds")  # once; without the saved 500, "ch_x" would be a 400 (no such charge)
    for _ in range(2):
        with pytest.raises(stripe.APIError) as failed:
            client.v1.refunds.create({"charge": "ch_x", "amount": 100}, {"idempotency_key": "refund-9"})
        assert failed.value.http_status == 500
    calls = fake.calls_to("POST", "/v1/refunds")
    assert len(calls) == 6  # 2 × (first try + max_network_retries=2)
    assert {c.headers["Idempotency-Key"] for c in calls} == {"refund-9"}
    assert fake.refunds == {}

    fake.fail("POST", "/v1/checkout/sessions")
    with pytest.raises(stripe.APIError):
        client.v1.checkout.sessions.create(session_params())
    auto_keys = {c.headers["Idempotency-Key"] for c in fake.calls_to("POST", "/v1/checkout/sessions")}
    assert len(auto_keys) == 1 and fake.sessions == {}  # the library's own key, reused by its retries


def test_injected_402_is_a_card_error(fake: FakeStripe, client: stripe.StripeClient) -> None:
    fake.fail("POST", "/v1/checkout/sessions", status=402)
    with pytest.raises(stripe.CardError) as declined:
        client.v1.checkout.sessions.create(session_params())
    assert declined.value.code == "card_declined"
    assert len(fake.calls) == 1 and fake.sessions == {}  # a 402 is not retried


def test_hang_beyond_client_timeout_is_a_connection_error(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    fake.hang("POST", "/v1/checkout/sessions", seconds=0.8)
    impatient = make_client(fake, retries=0, timeout=0.3)
    with pytest.raises(stripe.APIConnectionError):
        impatient.v1.checkout.sessions.create(session_params(), {"idempotency_key": "checkout-42-1"})
    assert len(fake.sessions) == 1  # Stripe did the work; only the answer was lost
    retried = client.v1.checkout.sessions.create(session_params(), {"idempotency_key": "checkout-42-1"})
    assert list(fake.sessions) == [retried.id]


def test_expire(fake: FakeStripe, client: stripe.StripeClient) -> None:
    open_session = client.v1.checkout.sessions.create(session_params())
    assert client.v1.checkout.sessions.expire(open_session.id).status == "expired"
    paid = client.v1.checkout.sessions.create(session_params())
    fake.pay(paid.id)
    with pytest.raises(stripe.InvalidRequestError, match=r"status in \[open\]"):
        client.v1.checkout.sessions.expire(paid.id)


def test_transfer_is_recorded(fake: FakeStripe, client: stripe.StripeClient) -> None:
    intent_id = fake.pay(client.v1.checkout.sessions.create(session_params()).id)["payment_intent"]
    charge_id = fake.payment_intents[intent_id]["latest_charge"]
    params = {"amount": 2250, "currency": "eur", "destination": "acct_123", "transfer_group": "ORDER_42"}
    transfer = client.v1.transfers.create(
        {**params, "source_transaction": charge_id}, {"idempotency_key": "payout-7"}
    )
    assert fake.transfers[transfer.id]["destination"] == "acct_123"
    assert fake.transfers[transfer.id]["source_transaction"] == charge_id
    with pytest.raises(stripe.InvalidRequestError) as bad:
        client.v1.transfers.create({**params, "destination": "DE89370400440532013000"})
    assert bad.value.param == "destination"


def test_auth_unknown_routes_and_missing_objects(fake: FakeStripe, client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.AuthenticationError):
        make_client(fake, api_key="sk_live_nope").v1.checkout.sessions.retrieve("cs_test_1")
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.checkout.sessions.retrieve("cs_test_nope")
    assert missing.value.code == "resource_missing" and missing.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError, match="Unrecognized request URL"):
        client.v1.customers.create({"email": "a@b.test"})


def test_concurrent_requests(fake: FakeStripe, client: stripe.StripeClient) -> None:
    first = client.v1.checkout.sessions.create(session_params())
    released = threading.Event()  # held until the others are answered, however slow the machine
    fake.hang("GET", "/v1/checkout/sessions/", seconds=30, until=released)
    slow = threading.Thread(target=client.v1.checkout.sessions.retrieve, args=(first.id,))
    slow.start()
    while not fake.calls_to("GET", "/v1/checkout/sessions/"):
        time.sleep(0.01)
    ids: list[str] = []
    workers = [
        threading.Thread(
            target=lambda i=i: ids.append(client.v1.checkout.sessions.create(session_params(i)).id)
        )
        for i in range(8)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert slow.is_alive()  # the hanging request did not hold up the others
    released.set()
    slow.join()
    assert len(set(ids)) == 8 and len(fake.sessions) == 9


def test_signed_webhook_payload(fake: FakeStripe) -> None:
    event = fake.event("checkout.session.completed", {"id": "cs_test_1", "object": "checkout.session"})
    payload, header = signed(event, "whsec_test")
    assert json.loads(payload) == event
    assert stripe.Webhook.construct_event(payload, header, "whsec_test").data.object.id == "cs_test_1"
    stale_payload, stale_header = signed(event, "whsec_test", age_s=301)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(stale_payload, stale_header, "whsec_test")


# --- the customer's side: the payment page in a browser, and the webhooks it sends ---


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: str


@dataclass
class Receiver:
    """A webhook endpoint on 127.0.0.1: records what arrives, answers `status`."""

    url: str = ""
    status: int = 200
    deliveries: list[Delivery] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    received = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            received.deliveries.append(Delivery(self.path, dict(self.headers), body))
            self.send_response(received.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = HTTPServer(("127.0.0.1", 0), Handler)
    received.url = f"http://127.0.0.1:{server.server_address[1]}/stripe/webhook"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield received
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def hooked(receiver: Receiver) -> Iterator[FakeStripe]:
    """A fake Stripe that delivers its events to `receiver`."""
    with FakeStripe(receiver.url, WEBHOOK_SECRET) as server:
        yield server


BROWSER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())


def browse(url: str | None, *, post: bool = False) -> tuple[int, dict[str, str], str]:
    """What a browser without an API key gets: status, headers and body, redirects not followed."""
    assert url is not None  # a session's `url`
    request = urllib.request.Request(url, data=b"" if post else None, method="POST" if post else "GET")
    try:
        with BROWSER.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read().decode()


def click(url: str) -> str:
    """POST a button's form; it must answer 303. Returns the Location."""
    status, headers, _ = browse(url, post=True)
    assert status == 303
    return headers["Location"]


def test_payment_page_is_html_for_the_browser(fake: FakeStripe, client: stripe.StripeClient) -> None:
    items = [
        {
            "quantity": 3,
            "price_data": {"currency": "eur", "unit_amount": 1033, "product_data": {"name": "Tea"}},
        },
        {
            "quantity": 1,
            "price_data": {"currency": "eur", "unit_amount": 450, "product_data": {"name": "A&B"}},
        },
    ]
    cs = client.v1.checkout.sessions.create(session_params(line_items=items))
    status, headers, page = browse(cs.url)  # no Authorization header
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="en">' in page and "<title>Pay 35.49 EUR</title>" in page
    assert re.search(r"<main>.*<h1>Pay 35\.49 EUR</h1>.*</main>", page, re.S)
    assert "<li>Tea × 3</li>" in page and "<li>A&amp;B × 1</li>" in page
    assert f'<form method="post" action="/pay/{cs.id}/pay"><button type="submit">Pay</button>' in page
    assert f'<form method="post" action="/pay/{cs.id}/decline"><button type="submit">Decline card' in page
    assert '<a href="http://shop.test/cart">Back to the shop</a>' in page
    assert "declined" not in page

    status, headers, page = browse(f"{fake.base}/pay/cs_test_nope")
    assert status == 404 and headers["Content-Type"].startswith("text/html") and "<h1>Not found</h1>" in page
    assert browse(f"{cs.url}/pay")[0] == 404  # the buttons take POST only
    assert browse(f"{fake.base}/pay/cs_test_nope/pay", post=True)[0] == 404


def test_pay_button_delivers_the_signed_event_then_goes_to_success_url(
    hooked: FakeStripe, receiver: Receiver
) -> None:
    cs = make_client(hooked).v1.checkout.sessions.create(session_params())
    assert click(f"{cs.url}/pay") == "http://shop.test/ok"

    (delivery,) = receiver.deliveries
    assert delivery.path == "/stripe/webhook" and delivery.headers["Content-Type"] == "application/json"
    event = stripe.Webhook.construct_event(
        delivery.body, delivery.headers["Stripe-Signature"], WEBHOOK_SECRET
    )
    assert event.type == "checkout.session.completed"
    session = event.data.object
    assert (session.id, session.status, session.payment_status) == (cs.id, "complete", "paid")
    assert session.payment_intent == hooked.sessions[cs.id]["payment_intent"]
    assert hooked.webhook_deliveries == [("checkout.session.completed", 200)]

    status, _, page = browse(cs.url)  # the page of a paid session: a message and the way back
    assert status == 200 and "This payment is complete." in page
    assert '<a href="http://shop.test/ok">Back to the shop</a>' in page and "<form" not in page
    assert click(f"{cs.url}/pay") == cs.url  # a second click pays nothing more
    assert len(receiver.deliveries) == 1 and len(hooked.payment_intents) == 1


def test_decline_button_delivers_payment_failed_and_the_page_says_so(
    hooked: FakeStripe, receiver: Receiver
) -> None:
    cs = make_client(hooked).v1.checkout.sessions.create(session_params())
    assert click(f"{cs.url}/decline") == cs.url

    (delivery,) = receiver.deliveries
    event = stripe.Webhook.construct_event(
        delivery.body, delivery.headers["Stripe-Signature"], WEBHOOK_SECRET
    )
    intent = event.data.object
    assert event.type == "payment_intent.payment_failed" and intent.object == "payment_intent"
    assert intent.metadata.order_id == "42" and intent.transfer_group == "ORDER_42"
    assert intent.last_payment_error.to_dict() == {
        "code": "card_declined",
        "message": "Your card was declined.",
    }
    assert hooked.sessions[cs.id]["status"] == "open"

    _, _, page = browse(cs.url)
    assert page.index('<p role="alert">Your card was declined.</p>') < page.index("<form")
    assert click(f"{cs.url}/pay") == "http://shop.test/ok"  # another card, the same payment intent
    assert hooked.sessions[cs.id]["payment_intent"] == intent.id
    assert hooked.payment_intents[intent.id]["status"] == "succeeded"
    assert hooked.webhook_deliveries == [
        ("payment_intent.payment_failed", 200),
        ("checkout.session.completed", 200),
    ]


def test_delivery_status_is_recorded_and_the_browser_goes_on(
    hooked: FakeStripe, receiver: Receiver, client: stripe.StripeClient
) -> None:
    receiver.status = 400
    first = make_client(hooked).v1.checkout.sessions.create(session_params())
    assert click(f"{first.url}/pay") == "http://shop.test/ok"
    assert hooked.webhook_deliveries == [("checkout.session.completed", 400)]

    with socket.socket() as free:  # a port nobody listens on any more: the connection is refused
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    hooked.webhook_url = f"http://127.0.0.1:{port}/stripe/webhook"
    second = make_client(hooked).v1.checkout.sessions.create(session_params())
    assert click(f"{second.url}/decline") == second.url
    assert hooked.webhook_deliveries[-1] == ("payment_intent.payment_failed", 0)


def test_without_webhook_url_nothing_is_delivered(fake: FakeStripe, client: stripe.StripeClient) -> None:
    paid, expired = (client.v1.checkout.sessions.create(session_params()) for _ in range(2))
    assert click(f"{paid.url}/pay") == "http://shop.test/ok"
    assert click(f"{paid.url}/decline") == paid.url  # not open any more: no decline
    assert fake.sessions[paid.id]["status"] == "complete" and fake.webhook_deliveries == []
    client.v1.checkout.sessions.expire(expired.id)
    _, _, page = browse(expired.url)
    assert "This payment page has expired." in page
    assert '<a href="http://shop.test/cart">Back to the shop</a>' in page and "<form" not in page
    with pytest.raises(ValueError, match="webhook_secret"):
        FakeStripe("http://127.0.0.1:1/stripe/webhook")


def test_main_serves_until_ctrl_c() -> None:
    """`python -m tests.fake_stripe`: prints its base URL, serves, and a Ctrl-C ends it cleanly."""
    code = (  # SIGINT as a terminal sends it, even when the tests run where it is ignored
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler);"
        "sys.argv = ['fake_stripe', '--port', '0', '--webhook-url', 'http://127.0.0.1:9/x',"
        " '--webhook-secret', 'whsec_dev']; runpy.run_module('tests.fake_stripe', run_name='__main__')"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            base = process.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
            assert browse(f"{base}/pay/cs_test_nope")[0] == 404
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=60)  # a bound for a loaded machine, not a timing target
        finally:
            process.kill()  # a no-op once it has ended
    assert process.returncode == 0, err
    assert f"STRIPE_API_BASE={base}" in err and "STRIPE_WEBHOOK_SECRET=whsec_dev" in err
