"""Transfers to a connected account."""

from __future__ import annotations

import time
from typing import Any

from tests.fake_stripe.protocol import _int, _metadata, _missing, _require
from tests.fake_stripe.store import Store


class Transfers(Store):
    """Transfers: to an `acct_…` destination, from a charge of this fake if one is named."""

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
