"""Walking routes from the app's URL map: the first community's rows, and URLs built with their ids.

Used by the access walk (`test_workspace_access.py`) and the junk-input walk (`test_junk_input.py`); the
fixture is registered for every test through `pytest_plugins` in `tests/conftest.py`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from orders.invoices.models import Invoice
from orders.models import OrderStatus
from orders.payouts.statements import generate_payouts
from shop.db import db, utcnow
from shop.i18n import vilnius_today
from tests.factories.catalogue import make_fair, make_product, make_product_type, make_variant
from tests.factories.marks import make_application, make_criteria, make_grant
from tests.factories.orders import make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user

SECRET_NAME = "Slaptas Šlapaberžės gaminys"


@pytest.fixture
def two_communities(app: Flask) -> dict[str, Any]:
    """Šlapaberžė with a listing (of a product type), a photo, a paid (so invoiced) order and a delivered one
    in a payout statement, the community-business mark and a second application for it with evidence
    files; Krakės, whose member walks the routes."""
    make_operator()
    first = make_community(slug="slapaberze", name="Šlapaberžė", story_lt="Mūsų istorija")
    second = make_community(slug="krakes", name="Krakės")
    product = make_product(
        first,
        name_lt=SECRET_NAME,
        variants=[make_variant(stock=5)],
        images=2,
        product_type=make_product_type(),
    )
    member = make_user(first, email="slapaberze@example.org")
    make_user(second, email="krakes@example.org")
    order = make_order([(product.variants[0], 1)], status=OrderStatus.PAID)
    make_order(  # a second order, delivered and in a payout statement
        [(product.variants[0], 1)],
        status=OrderStatus.COMPLETED,
        buyer=make_buyer(name="Jonas", email="jonas@example.com"),
        carrier="Pickup",
        tracking_number="",
    )
    fair = make_fair(  # running now, Šlapaberžė taking part with its listing
        opens_at=utcnow() - timedelta(days=1),
        closes_at=utcnow() + timedelta(days=5),
        communities=[first],
        products=[product],
        slug="kaledu-muge",
    )
    make_criteria()
    grant = make_grant(first, member)  # the mark, from a first application
    application = make_application(first, member)  # a second, waiting for the VVG, with a photo and a PDF
    today = vilnius_today()
    (payout,) = generate_payouts(today.replace(day=1), today + timedelta(days=1), by=None, hold=0)
    invoice = db.session.scalars(select(Invoice.id).where(Invoice.fulfilment_id == order.fulfilments[0].id))
    return {
        "product_id": product.id,
        "variant_id": product.variants[0].id,
        "image_id": product.images[0].id,
        "fulfilment_id": order.fulfilments[0].id,
        "line_id": order.fulfilments[0].lines[0].id,
        "community_id": first.id,
        "payout_id": payout.id,
        "membership_id": member.memberships[0].id,
        "product_type_id": product.product_type_id,
        "category_id": product.category_id,
        "invoice_id": invoice.one(),  # the paid order's parcel's invoice
        "carrier": "omniva",  # the lockers' list (`/lockeriai/omniva.json`)
        "fair_id": fair.id,
        "shown_id": fair.products[0].id,
        "action": "feature",  # a fair's curation
        "application_id": application.id,  # the mark: an application waiting, its evidence, a grant
        "evidence_id": application.evidence[0].id,
        "grant_id": grant.id,
    }


def workspace_rules(app: Flask) -> list[Any]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/workspace")),
        key=lambda rule: rule.rule,
    )


def url_for_rule(rule: Any, ids: dict[str, Any]) -> str:
    ids = {**ids, **(rule.defaults or {})}  # a rule's own defaults (one rule per legal page) fill themselves
    missing = set(rule.arguments) - set(ids)
    assert not missing, f"{rule.rule}: teach this test an id for {sorted(missing)}"
    built = rule.build({argument: ids[argument] for argument in rule.arguments}, append_unknown=False)
    assert built is not None, rule.rule
    return str(built[1])  # the path; [0] is the (empty) subdomain
