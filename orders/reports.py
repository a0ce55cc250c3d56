"""Sales: one definition of what was sold, shared by the back office's dashboard and its sales reports, and
by the community workspace's "sales this month" (`orders.overview.sales_between`).

**A sale** is a line of an order that was paid (`orders.paid_at` is set), counted on the Vilnius
calendar day of the payment. An order never paid (waiting, expired, cancelled before paying) sold nothing.
For each line, in euro cents:

- *goods*: unit price × quantity, as sold;
- *refunded*: the goods again when the line was taken out of the order after the payment (the line or its
  parcel was cancelled: its money was refunded by card, or is owed or sent back by bank); and a part of a
  refund made after the parcel was sent (a return, a broken card: it cancels no line). Such a refund of the
  parcel's goods is spread over its lines still in it, in the order they were added: each takes what is
  left of the refund, up to its goods. So the lines of a parcel add up to every goods refund recorded for
  it (`payouts.dues.refunded_by_fulfilment`), as payouts take them off;
- *net*: goods − refunded;
- *commission*: the VVG's share of the net goods at the community's rate (`commission_bp`), rounded half
  up **once per parcel** exactly as payouts round it (`orders.earnings.commission`), and spread over the
  parcel's lines by running totals, so that the lines of a parcel add up to the parcel's commission.

Delivery fees are not goods: they are summed apart, per parcel (fee − refunded fee), and are not split by
category. A refund made in Stripe's Dashboard for no parcel of ours belongs to no line; it is shown apart.

The figures are "as things stand now": a refund made in a later month lowers the month of the payment, and
the commission uses each community's current rate (a payout statement keeps the rate it was made with).
The category is the one the product had when it was sold (`order_lines.category_id`).

Every figure, on the dashboard's charts, in the report's CSV and in a community's workspace, is a sum of the
same per-line figures (`_sales_lines`, the CSV's lines). The groupings sum them by pieces (`_pieces`): a
parcel whose lines are all of one category is taken whole, from its own sums, which are exactly what its
lines add up to (`_parcels` says why), and only the lines of a parcel of several categories one by one. So
the totals agree by construction, and a year of sales is one grouped pass over its parcels, not running
totals over every line. Days and months are Vilnius ones: their edges are computed here as UTC moments,
so grouping works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from catalogue.models import Category
from orders.errors import PeriodNotValid
from orders.models import Fulfilment, Order, OrderLine, PaymentMethod, Refund
from orders.payouts.dues import refunded_by_fulfilment
from producers.models import Community
from shop.db import db
from shop.i18n import VILNIUS, localized, vilnius_midnight
from shop.money import decimal_text
from shop.spreadsheet import excel_csv

#: How staff pages and the report's CSV name a payment method (the checkout offers them in longer words:
#: `orders.forms.storefront.PAYMENT_LABELS`).
METHOD_LABELS = {PaymentMethod.BANK_TRANSFER: _l("Bank transfer"), PaymentMethod.CARD: _l("Card")}

#: How many months the dashboard's chart of months shows.
CHART_MONTHS = 12


@dataclass(frozen=True)
class SalesFilter:
    """Which sales: paid from `first_day` to `last_day` (both included, Vilnius days), optionally of one
    community and one category. A period that ends before it begins is `PeriodNotValid`."""

    first_day: date
    last_day: date
    community_id: int | None = None
    category_id: int | None = None

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise PeriodNotValid(self.first_day, self.last_day)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The first moment and the moment after the last (UTC): Vilnius midnights."""
        return vilnius_midnight(self.first_day), vilnius_midnight(self.last_day + timedelta(days=1))


@dataclass(frozen=True)
class Totals:
    """Sums of sales lines, in euro cents (and how many orders and lines they came from)."""

    goods_cents: int = 0
    refunded_cents: int = 0
    net_cents: int = 0
    commission_cents: int = 0
    orders: int = 0
    lines: int = 0

    @classmethod
    def of(cls, row: Any) -> Totals:
        return cls(
            goods_cents=int(row.goods or 0),
            refunded_cents=int(row.refunded or 0),
            net_cents=int(row.net or 0),
            commission_cents=int(row.commission or 0),
            orders=int(row.orders or 0),
            lines=int(row.lines or 0),
        )


@dataclass(frozen=True)
class Group:
    """One bar of a chart: a community, a category or a month, with its sales."""

    key: int | date | None  #: the community's or category's id (None: a category no longer known), or a month
    label: str
    totals: Totals


@dataclass(frozen=True)
class Delivery:
    """Delivery fees of the parcels of the paid orders, in euro cents."""

    fees_cents: int = 0
    refunded_cents: int = 0

    @property
    def net_cents(self) -> int:
        return self.fees_cents - self.refunded_cents


@dataclass(frozen=True)
class SalesSummary:
    """What the dashboard and the report page show for one filter."""

    filter: SalesFilter
    totals: Totals
    by_community: list[Group]  #: the largest net sales first
    by_category: list[Group]  #: the largest net sales first
    delivery: Delivery | None  #: None when a category is chosen (fees belong to parcels, not categories)
    #: refunded in Stripe's Dashboard for no parcel; None when a community or category is chosen
    unassigned_refunds_cents: int | None
    #: the chart's months (`sales_by_month`) when asked for with the summary, else empty
    by_month: list[Group] = field(default_factory=list)


@dataclass(frozen=True)
class SaleLine:
    """One line of the report."""

    order_number: str
    paid_at: datetime
    community: str
    category_lt: str
    category_en: str
    product_name_lt: str
    product_name_en: str
    variant_name_lt: str
    variant_name_en: str
    quantity: int
    unit_price_cents: int
    goods_cents: int
    refunded_cents: int
    net_cents: int
    commission_cents: int
    payment_method: PaymentMethod

    @property
    def paid_on(self) -> date:
        return self.paid_at.astimezone(VILNIUS).date()


# ---------------------------------------------------------------------------------------------- the lines


def _sales_lines(
    start: datetime, end: datetime, community_id: int | None, *, of_parcels: Select[Any] | None = None
) -> Subquery:
    """Every line of the orders paid in [start, end), with its goods, refunded, net and commission.

    Only whole orders and parcels are filtered here, so that the running totals of a parcel see all of its
    lines; a category is chosen outside, on this subquery. Two layers, as a window cannot hold another:
    the inner one gives each line its parcel's refunded goods and running sums of goods, the outer one the
    line's refunded goods from them and its commission from running sums of net goods.
    """
    goods = OrderLine.unit_price_cents * OrderLine.quantity
    cancelled = OrderLine.cancelled_at.is_not(None)
    # Goods of the parcel's cancelled lines, and its live goods up to and including this line.
    cancelled_goods = func.sum(case((cancelled, goods), else_=0)).over(partition_by=OrderLine.fulfilment_id)
    live_through = func.sum(case((cancelled, 0), else_=goods)).over(
        partition_by=OrderLine.fulfilment_id, order_by=OrderLine.id
    )
    refunded_of_parcel = refunded_by_fulfilment()
    query = (
        select(
            OrderLine.id.label("line_id"),
            OrderLine.fulfilment_id.label("fulfilment_id"),
            Order.id.label("order_id"),
            Order.number.label("order_number"),
            Order.paid_at.label("paid_at"),
            Order.payment_method.label("payment_method"),
            Fulfilment.community_id.label("community_id"),
            Community.name.label("community"),
            Community.commission_bp.label("commission_bp"),
            OrderLine.category_id.label("category_id"),
            OrderLine.product_name_lt.label("product_name_lt"),
            OrderLine.product_name_en.label("product_name_en"),
            OrderLine.variant_name_lt.label("variant_name_lt"),
            OrderLine.variant_name_en.label("variant_name_en"),
            OrderLine.quantity.label("quantity"),
            OrderLine.unit_price_cents.label("unit_price_cents"),
            goods.label("goods"),
            cancelled.label("cancelled"),
            # What the parcel's refunds gave back beyond the goods of its cancelled lines: a refund of an
            # amount after sending (a return, a broken card), which cancels no line.
            # (whole cents of one parcel: kept integers, so the sums of them below stay integers too)
            cast(func.coalesce(refunded_of_parcel.c.goods, 0) - cancelled_goods, Integer).label("beyond"),
            cast(live_through, Integer).label("live_through"),
        )
        .join(OrderLine.fulfilment)
        .join(Fulfilment.order)
        .join(Fulfilment.community)
        .outerjoin(refunded_of_parcel, refunded_of_parcel.c.fulfilment_id == Fulfilment.id)
        .where(Order.paid_at.is_not(None), Order.paid_at >= start, Order.paid_at < end)
    )
    if community_id is not None:
        query = query.where(Fulfilment.community_id == community_id)
    if of_parcels is not None:
        query = query.where(OrderLine.fulfilment_id.in_(of_parcels))
    line = query.subquery("parcel_lines")

    # A cancelled line was refunded in full; what was refunded beyond them fills the live lines one by one,
    # in the order of their ids: a line takes what is left of it after the live lines before it, up to its
    # goods. So the lines of a parcel add up to every goods refund of the parcel, as payouts count them.
    live_before = line.c.live_through - line.c.goods
    refunded = case(
        (line.c.cancelled, line.c.goods),
        (line.c.beyond >= line.c.live_through, line.c.goods),
        (line.c.beyond <= live_before, 0),
        else_=line.c.beyond - live_before,
    )
    net = line.c.goods - refunded
    # Net goods of the parcel up to and including this line; the line's commission is the parcel's
    # commission on that running total less the one on the total before it: the shares add up, per
    # parcel, to exactly commission(parcel's net goods) — rounded half up once, as payouts do.
    running = func.sum(net).over(partition_by=line.c.fulfilment_id, order_by=line.c.line_id)
    rate = line.c.commission_bp
    commission = (running * rate + 5000) // 10000 - ((running - net) * rate + 5000) // 10000
    columns = [refunded.label("refunded"), net.label("net"), commission.label("commission")]
    return select(line, *columns).subquery("sales_lines")


def _lines_of(wanted: SalesFilter) -> Subquery:
    """The sales lines of the filter's period and community (its category is chosen on them)."""
    return _sales_lines(*wanted.bounds, wanted.community_id)


# ---------------------------------------------------------------------------------------------- pieces

#: What a parcel of `_parcels` is made of: no line (its delivery fee alone), lines of one category (or all
#: of none), lines of several categories.
NO_LINES, ONE_CATEGORY, SEVERAL_CATEGORIES = 0, 1, 2


def _parcels(start: datetime, end: datetime, community_id: int | None) -> CTE:
    """Every parcel of the orders paid in [start, end), with what its lines add up to, worked out from the
    parcel's sums instead of line by line.

    The lines of a parcel (`_sales_lines`) add up to: refunded = the goods of its cancelled lines, and what
    its refunds gave back beyond them, from nothing up to its live goods (the live lines take it in turn,
    each up to its goods); commission = the commission on its net goods, rounded half up once (the lines'
    shares are differences of a running total). So a parcel whose lines are all of one category is one
    piece of every grouping — total, community, category, month — exactly as its lines would be; only a
    parcel with lines of several categories has to be split into its lines (`_pieces`).
    """
    goods = OrderLine.unit_price_cents * OrderLine.quantity
    lines = func.count(OrderLine.id)
    categories = func.count(OrderLine.category_id)  # the lines that have one
    one_category = func.min(OrderLine.category_id) == func.max(OrderLine.category_id)
    # The orders of the period first, by their index, then their parcels (SQLite would otherwise read every
    # parcel to find those of the period)
    paid = (
        select(Order.id.label("order_id"), Order.paid_at.label("paid_at"))
        .where(*_paid_between(start, end))
        .cte("paid")
        .prefix_with("MATERIALIZED")
    )
    query = (
        select(
            Fulfilment.id.label("fulfilment_id"),
            paid.c.order_id,
            paid.c.paid_at,
            Fulfilment.community_id.label("community_id"),
            Fulfilment.delivery_cents.label("delivery"),
            case(
                (lines == 0, NO_LINES),
                (categories == 0, ONE_CATEGORY),
                ((categories == lines) & one_category, ONE_CATEGORY),
                else_=SEVERAL_CATEGORIES,
            ).label("kind"),
            func.min(OrderLine.category_id).label("category_id"),
            lines.label("lines"),
            func.coalesce(func.sum(goods), 0).label("goods"),
            func.sum(case((OrderLine.cancelled_at.is_not(None), goods), else_=0)).label("cancelled"),
        )
        .select_from(paid)
        .join(Fulfilment, Fulfilment.order_id == paid.c.order_id)
        .outerjoin(OrderLine, OrderLine.fulfilment_id == Fulfilment.id)
        .group_by(Fulfilment.id, paid.c.order_id, paid.c.paid_at)
    )
    if community_id is not None:
        query = query.where(Fulfilment.community_id == community_id)
    parcel = query.subquery("parcel_sums")
    refunds = refunded_by_fulfilment()
    live = parcel.c.goods - parcel.c.cancelled
    beyond = func.coalesce(refunds.c.goods, 0) - parcel.c.cancelled
    refunded = parcel.c.cancelled + case((beyond <= 0, 0), (beyond >= live, live), else_=beyond)
    net = parcel.c.goods - refunded
    commission = (net * Community.commission_bp + 5000) // 10000
    return (
        select(
            parcel,
            refunded.label("refunded"),
            net.label("net"),
            commission.label("commission"),
            func.coalesce(refunds.c.delivery, 0).label("refunded_delivery"),
        )
        .select_from(parcel)
        .join(Community, Community.id == parcel.c.community_id)
        .outerjoin(refunds, refunds.c.fulfilment_id == parcel.c.fulfilment_id)
        .cte("parcels")
        .prefix_with("MATERIALIZED")  # read by each grouping: worked out once (PostgreSQL would anyway)
    )


def _pieces(parcels: CTE, start: datetime, end: datetime, community_id: int | None) -> CTE:
    """What the groupings sum: each parcel of one category whole, and the lines of each other parcel."""
    columns = ("order_id", "paid_at", "community_id", "category_id")
    figures = ("goods", "refunded", "net", "commission")
    whole = select(*(parcels.c[name] for name in (*columns, "lines", *figures))).where(
        parcels.c.kind == ONE_CATEGORY
    )
    split = select(parcels.c.fulfilment_id).where(parcels.c.kind == SEVERAL_CATEGORIES)
    lines = _sales_lines(start, end, community_id, of_parcels=split)
    one_by_one = select(
        *(lines.c[name] for name in columns), literal(1).label("lines"), *(lines.c[name] for name in figures)
    )
    return union_all(whole, one_by_one).cte("pieces").prefix_with("MATERIALIZED")


def _in_category(lines: Subquery | CTE, wanted: SalesFilter) -> list[ColumnElement[bool]]:
    return [] if wanted.category_id is None else [lines.c.category_id == wanted.category_id]


def _sums(pieces: Subquery | CTE) -> list[Any]:
    return [
        func.sum(pieces.c.goods).label("goods"),
        func.sum(pieces.c.refunded).label("refunded"),
        func.sum(pieces.c.net).label("net"),
        func.sum(pieces.c.commission).label("commission"),
        func.count(func.distinct(pieces.c.order_id)).label("orders"),
        func.sum(pieces.c.lines).label("lines"),
    ]


# ---------------------------------------------------------------------------------------------- summaries


def sales_totals(wanted: SalesFilter) -> Totals:
    """The filter's totals alone, in one query: what the community workspace shows as its month's sales."""
    return _figures(wanted, period=("total",)).totals


def sales_summary(wanted: SalesFilter, language: str, *, months: int = 0) -> SalesSummary:
    """Totals, per community and per category (names in `language`), delivery fees, refunds of no parcel;
    and with `months`, the chart's months too (`sales_by_month`).

    All of it in one statement: a UNION ALL of groupings of the same pieces (`_parcels`, `_pieces`), worked
    out once over the period and the months together: over a year of orders, working out the lines'
    refunds and commissions is most of the work."""
    kinds = ["total", "community", "category"]
    if wanted.category_id is None:
        kinds.append("delivery")
        if wanted.community_id is None:
            kinds.append("unassigned")
    figures = _figures(wanted, period=tuple(kinds), months=months)
    by_community = sorted(
        (Group(row.key, row.name_lt, Totals.of(row)) for row in figures.rows["community"]),
        key=lambda group: (-group.totals.net_cents, group.label),
    )
    by_category = [
        Group(row.key, localized(row, "name", language) or _("No category"), Totals.of(row))
        for row in sorted(figures.rows["category"], key=lambda row: (-int(row.net or 0), row.name_lt or ""))
    ]
    delivery = next(iter(figures.rows["delivery"]), None)
    unassigned = next(iter(figures.rows["unassigned"]), None)
    return SalesSummary(
        filter=wanted,
        totals=figures.totals,
        by_community=by_community,
        by_category=by_category,
        # (the fees in the goods column, the fees refunded in the refunded one: see `_figures`)
        delivery=None
        if delivery is None
        else Delivery(fees_cents=int(delivery.goods or 0), refunded_cents=int(delivery.refunded or 0)),
        unassigned_refunds_cents=None if unassigned is None else int(unassigned.goods or 0),
        by_month=figures.months,
    )


def month_starts(last_month: date, count: int = CHART_MONTHS) -> list[date]:
    """The first days of `count` months ending with the month of `last_month`, oldest first."""
    year, month = last_month.year, last_month.month
    months = []
    for _n in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def sales_by_month(wanted: SalesFilter, count: int = CHART_MONTHS) -> list[Group]:
    """The filter's community and category, month by month: the `count` Vilnius months ending with the
    month of its last day (a whole year's period shows that year), each with its sales (empty ones too)."""
    return _figures(wanted, months=count).months


#: The columns of every grouping's rows (`_grouping`).
_FIGURES = ("goods", "refunded", "net", "commission", "orders", "lines")


def _sums_of(grouped: Subquery) -> list[Any]:
    """The figures of a grouping done in a subquery, as they are."""
    return [grouped.c[name] for name in _FIGURES]


def _grouping(kind: str, key: Any, name_lt: Any, name_en: Any, sums: Sequence[Any]) -> Select[Any]:
    """A grouping's select with the columns every grouping has, in the same order (for the UNION ALL);
    `sums` fill the figures from the first on, the rest are NULL."""
    figures = [*sums, *[null()] * (len(_FIGURES) - len(sums))]
    return select(
        literal(kind).label("kind"),
        (null() if key is None else key).label("key"),
        (null() if name_lt is None else name_lt).label("name_lt"),
        (null() if name_en is None else name_en).label("name_en"),
        *(figure.label(name) for figure, name in zip(figures, _FIGURES, strict=True)),
    )


@dataclass(frozen=True)
class _Figures:
    rows: dict[str, list[Any]]  #: the rows of each grouping asked for, by its kind
    months: list[Group]

    @property
    def totals(self) -> Totals:
        return next((Totals.of(row) for row in self.rows["total"]), Totals())


def _paid_in(wanted: SalesFilter) -> list[ColumnElement[bool]]:
    return _paid_between(*wanted.bounds)


def _paid_between(start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [Order.paid_at.is_not(None), Order.paid_at >= start, Order.paid_at < end]


def _figures(wanted: SalesFilter, *, period: Sequence[str] = (), months: int = 0) -> _Figures:
    """The groupings `period` names over the filter's period — "total", "community", "category",
    "delivery" (the fees in `goods`, those refunded in `refunded`), "unassigned" (refunds of no parcel, in
    `goods`) — and the `months` months ending with the month of its last day, in one statement."""
    start, end = wanted.bounds
    starts = month_starts(wanted.last_day, months) if months else []
    # Where each month ends (UTC): the first moment of the next. The last one ends after the period.
    edges = [vilnius_midnight(date(day.year + day.month // 12, day.month % 12 + 1, 1)) for day in starts]
    first, after = (min(start, vilnius_midnight(starts[0])), edges[-1]) if starts else (start, end)
    parcels = _parcels(first, after, wanted.community_id)
    pieces = _pieces(parcels, first, after, wanted.community_id)
    chosen = [*_in_category(pieces, wanted), pieces.c.paid_at >= start, pieces.c.paid_at < end]
    by_community, by_category = (
        select(column.label("key"), *_sums(pieces)).where(*chosen).group_by(column).subquery()
        for column in (pieces.c.community_id, pieces.c.category_id)
    )
    groupings: dict[str, Select[Any]] = {
        "total": _grouping("total", None, None, None, _sums(pieces)).where(*chosen),
        # (grouped by the ids, then named: the names are looked up once per group, not once per piece)
        "community": _grouping("community", by_community.c.key, Community.name, None, _sums_of(by_community))
        .select_from(by_community)
        .join(Community, Community.id == by_community.c.key),
        "category": _grouping(
            "category", by_category.c.key, Category.name_lt, Category.name_en, _sums_of(by_category)
        )
        .select_from(by_category)
        .outerjoin(Category, Category.id == by_category.c.key),
        "delivery": _grouping(
            "delivery",
            None,
            None,
            None,
            [func.sum(parcels.c.delivery), func.sum(parcels.c.refunded_delivery)],
        ).where(parcels.c.paid_at >= start, parcels.c.paid_at < end),
        "unassigned": _grouping("unassigned", None, None, None, [func.sum(Refund.amount_cents)])
        .select_from(Refund)
        .join(Refund.order)
        .where(Refund.fulfilment_id.is_(None), *_paid_in(wanted)),
    }
    asked = [groupings[kind] for kind in period]
    if starts:
        # Which month a payment falls in: the first month whose end is after it.
        bucket = case(*((pieces.c.paid_at < edge, index) for index, edge in enumerate(edges)), else_=-1)
        bucketed = (
            select(bucket.label("month"), pieces)
            .where(*_in_category(pieces, wanted), pieces.c.paid_at >= vilnius_midnight(starts[0]))
            .subquery()
        )
        asked.append(
            _grouping("month", bucketed.c.month, None, None, _sums(bucketed)).group_by(bucketed.c.month)
        )
    rows: dict[str, list[Any]] = {kind: [] for kind in (*groupings, "month")}
    for row in db.session.execute(union_all(*asked)):
        rows[row.kind].append(row)
    by_month = {row.key: Totals.of(row) for row in rows["month"]}
    return _Figures(
        rows, [Group(month, "", by_month.get(index, Totals())) for index, month in enumerate(starts)]
    )


# ---------------------------------------------------------------------------------------------- lines, CSV


def list_sales_lines(wanted: SalesFilter) -> list[SaleLine]:
    """The report's lines, in the order they were paid."""
    lines = _lines_of(wanted)
    query: Select[Any] = (
        select(lines, Category.name_lt.label("category_lt"), Category.name_en.label("category_en"))
        .outerjoin(Category, Category.id == lines.c.category_id)
        .where(*_in_category(lines, wanted))
        .order_by(lines.c.paid_at, lines.c.order_id, lines.c.line_id)
    )
    return [
        SaleLine(
            order_number=row.order_number,
            paid_at=row.paid_at,
            community=row.community,
            category_lt=row.category_lt or "",
            category_en=row.category_en or "",
            product_name_lt=row.product_name_lt,
            product_name_en=row.product_name_en,
            variant_name_lt=row.variant_name_lt,
            variant_name_en=row.variant_name_en,
            quantity=row.quantity,
            unit_price_cents=row.unit_price_cents,
            goods_cents=int(row.goods),
            refunded_cents=int(row.refunded),
            net_cents=int(row.net),
            commission_cents=int(row.commission),
            payment_method=PaymentMethod(row.payment_method),
        )
        for row in db.session.execute(query)
    ]


def sales_csv(sale_lines: Sequence[SaleLine], language: str) -> str:
    """The lines for a spreadsheet (`;`, amounts like `12,50`, headers and names in `language`), and a
    last row with the totals."""
    header = [
        _("Order"),
        _("Paid on"),
        _("Community"),
        _("Category"),
        _("Product"),
        _("Variant"),
        _("Quantity"),
        _("Unit price"),
        _("Goods"),
        _("Refunded"),
        _("Net"),
        _("Commission"),
        _("Payment"),
    ]
    rows: list[list[object]] = [
        [
            line.order_number,
            line.paid_on.isoformat(),
            line.community,
            localized(line, "category", language) or _("No category"),
            localized(line, "product_name", language),
            localized(line, "variant_name", language),
            line.quantity,
            decimal_text(line.unit_price_cents),
            *(
                decimal_text(cents)
                for cents in (line.goods_cents, line.refunded_cents, line.net_cents, line.commission_cents)
            ),
            str(METHOD_LABELS[line.payment_method]),
        ]
        for line in sale_lines
    ]
    total = [
        _("Total"),
        *([""] * 7),
        *(
            decimal_text(sum(getattr(line, name) for line in sale_lines))
            for name in ("goods_cents", "refunded_cents", "net_cents", "commission_cents")
        ),
        "",
    ]
    return excel_csv([header, *rows, total])
