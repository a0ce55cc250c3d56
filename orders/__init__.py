"""Orders routed to the producing communities: fulfilments, payments, refunds, payouts (issue #3 on)."""
