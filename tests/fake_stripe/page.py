"""The customer's side: a session's hosted payment page, whose buttons pay or decline and tell the shop."""

from __future__ import annotations

import html
import re

from tests.fake_stripe.checkout import DECLINED, Checkout
from tests.fake_stripe.protocol import Call
from tests.fake_stripe.webhooks import Webhooks

HTML = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


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


class PaymentPage(Checkout, Webhooks):
    """The page a session's `url` leads to; paying or declining there delivers the event to the shop."""

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
