"""A fair's report for the VVG and its LEADER reporting: what the fair sold, per community and district,
the new customers it brought and its best sellers, as a page and a CSV.

What counts, exactly: orders *placed* from the fair's opening moment until its closing one and *paid*
(whatever happened after), holding at least one product shown at the fair (chosen by its community, not
taken out by the VVG). Goods sold are those orders' lines of the fair's products, less lines and parcels
cancelled; sales are their price as paid, delivery not included. A new customer is an e-mail address that
had no paid order placed before the fair opened. A district is the community's own (`Community.district`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from catalogue.fairs.models import Fair, FairProduct
from catalogue.models import Variant
from orders.models import Fulfilment, FulfilmentStatus, Order, OrderLine
from producers.models import Community
from shop.db import db
from shop.money import decimal_text
from shop.spreadsheet import excel_csv

BEST_SELLERS = 10  #: products in the report's list of best sellers


@dataclass
class Tally:
    """Goods sold by one community, one district or one product."""

    name: str
    orders: set[int] = field(default_factory=set)
    units: int = 0
    sales_cents: int = 0

    @property
    def order_count(self) -> int:
        return len(self.orders)


@dataclass
class FairReport:
    fair: Fair
    orders: int  #: paid orders placed during the fair holding its products
    units: int  #: units of the fair's products sold in them
    sales_cents: int  #: what those units were paid
    new_customers: int
    customers: int
    by_community: list[Tally]
    by_district: list[Tally]
    best_sellers: list[Tally]


def build_fair_report(fair: Fair) -> FairReport:
    """The fair's figures, read in two statements whatever the number of orders."""
    rows = db.session.execute(
        select(
            Order.id,
            func.lower(Order.email),
            Community.name,
            Community.district,
            Variant.product_id,
            OrderLine.product_name_lt,
            OrderLine.quantity,
            OrderLine.unit_price_cents,
            OrderLine.cancelled_at.is_(None) & (Fulfilment.status != FulfilmentStatus.CANCELLED),
        )
        .join(Fulfilment, Fulfilment.order_id == Order.id)
        .join(Community, Community.id == Fulfilment.community_id)
        .join(OrderLine, OrderLine.fulfilment_id == Fulfilment.id)
        .join(Variant, Variant.id == OrderLine.variant_id)
        .join(FairProduct, (FairProduct.product_id == Variant.product_id) & (FairProduct.fair_id == fair.id))
        .where(
            FairProduct.removed_at.is_(None),
            Order.created_at >= fair.opens_at,
            Order.created_at < fair.closes_at,
            Order.paid_at.is_not(None),
        )
        .order_by(Order.id, OrderLine.id)
    ).all()
    orders: set[int] = set()
    emails: set[str] = set()
    communities: dict[str, Tally] = {}
    districts: dict[str, Tally] = {}
    products: dict[int, Tally] = {}
    units = sales = 0
    for order_id, email, community, district, product_id, name, quantity, price, kept in rows:
        orders.add(order_id)
        emails.add(email)
        if not kept:
            continue
        units += quantity
        sales += quantity * price
        for tally in (
            communities.setdefault(community, Tally(community)),
            districts.setdefault(district, Tally(district)),
            products.setdefault(product_id, Tally(f"{name} ({community})")),
        ):
            tally.orders.add(order_id)
            tally.units += quantity
            tally.sales_cents += quantity * price
    returning = (
        set(
            db.session.scalars(
                select(func.lower(Order.email)).where(
                    func.lower(Order.email).in_(emails),
                    Order.created_at < fair.opens_at,
                    Order.paid_at.is_not(None),
                )
            )
        )
        if emails
        else set()
    )
    return FairReport(
        fair=fair,
        orders=len(orders),
        units=units,
        sales_cents=sales,
        new_customers=len(emails - returning),
        customers=len(emails),
        by_community=_by_sales(communities.values()),
        by_district=_by_sales(districts.values()),
        best_sellers=sorted(products.values(), key=lambda t: (-t.units, -t.sales_cents, t.name))[
            :BEST_SELLERS
        ],
    )


def _by_sales(tallies: Iterable[Tally]) -> list[Tally]:
    return sorted(tallies, key=lambda tally: (-tally.sales_cents, tally.name))


def fair_report_csv(report: FairReport) -> str:
    """The report as one sheet: the totals, then a line per community, district and best seller."""
    rows: list[list[object]] = [[_("Row"), _("Name"), _("Orders"), _("Units"), _("Sales, €")]]
    rows.append(
        [_("Fair"), report.fair.name_lt, report.orders, report.units, decimal_text(report.sales_cents)]
    )
    rows.append([_("Customers"), "", report.customers, "", ""])
    rows.append([_("New customers"), "", report.new_customers, "", ""])
    for kind, tallies in (
        (_("Community"), report.by_community),
        (_("District"), report.by_district),
        (_("Best seller"), report.best_sellers),
    ):
        for tally in tallies:
            rows.append([kind, tally.name, tally.order_count, tally.units, decimal_text(tally.sales_cents)])
    return excel_csv(rows)
