"""Checkout Sessions, and the payment intent and charge that paying (or declining) on one makes."""

from __future__ import annotations

import copy
import time
from typing import Any

from tests.fake_stripe.protocol import _int, _invalid, _metadata, _missing, _require
from tests.fake_stripe.store import Store

CLOCK_SLACK_S = 10  # `expires_at` bounds allow for the time the request takes to arrive
DECLINED = {"code": "card_declined", "message": "Your card was declined."}


class Checkout(Store):
    """Checkout Sessions: created and expired through the API, paid or declined on the hosted page."""

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

    def _intent_data(self, session_id: str) -> dict[str, Any]:
        intent_data = self._session_params[session_id].get("payment_intent_data")
        return intent_data if isinstance(intent_data, dict) else {}

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
