"""Refunds of a payment intent's (or a charge's) captured amount."""

from __future__ import annotations

import time
from typing import Any

from tests.fake_stripe.protocol import _int, _invalid, _metadata, _missing
from tests.fake_stripe.store import Store

REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
SYMBOLS = {"eur": "€", "usd": "$", "gbp": "£"}


def _money(amount: int, currency: str) -> str:
    return f"{SYMBOLS.get(currency, currency.upper() + ' ')}{amount / 100:.2f}"


class Refunds(Store):
    """Refunds: never more than is left of the charge."""

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
