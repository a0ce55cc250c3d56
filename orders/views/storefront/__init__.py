"""Orders as customers make and follow them: one blueprint, its pages in a module per family: the cart
and the checkout, the tracking page with withdrawal, card payment and Stripe's webhook, one's data."""

from __future__ import annotations

# Each module adds its routes to the blueprint it imports from `blueprint`; the factory registers it.
from orders.views.storefront import cart, payment, privacy, tracking  # noqa: F401
from orders.views.storefront.blueprint import storefront

__all__ = ["storefront"]
