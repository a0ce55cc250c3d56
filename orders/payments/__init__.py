"""Card payments through Stripe: `models` (each attempt at the hosted page, the alerts, the events
handled), `checkout` (the hosted page), `webhooks` (Stripe's events), `alerts` (money that does not add
up, for staff) and `gateway` (the one door to Stripe's API).

One basket is one order and one payment: the customer pays on Stripe's hosted page (strong customer
authentication and wallets included; no card data ever reaches us). The money stays with the VVG's
Stripe account until each community's payout (separate charges and transfers, `transfer_group` = the
order number). Stripe's word comes by webhook, in any order and possibly twice; the customer's return
and the expiry job ask Stripe directly. All three go through the same `_apply_session`, and every
change is guarded by the order's state, so the order ends the same whatever arrives first.
"""
