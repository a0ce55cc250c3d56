"""No route answers hostile input with a server error, and none lets a role change rows it may not change.

Every route of the app's URL map (GET and POST), as each role — an anonymous visitor, a member of community
A, a member of community B, VVG staff — gets hypothesis-generated junk in every field its forms have (read
from the forms the shop's own pages show for it, so a new route is swept the day it is added, plus the
names of every WTForms field and a few common ones) and in its query: huge, empty, odd unicode, NUL,
invalid UTF-8, repeated names, wrong types, numbers and dates out of range, and the other community's ids.
A valid CSRF token goes with every post, so the forms' own validation is reached.

After each request the whole database is compared with how it was (`tests.hostile`): staff may change
anything from the back office; a member may change only their own community's rows from the workspace;
from the storefront anyone may place, pay, cancel or withdraw from orders (the customer's tables, and a
variant's stock), never a community's listings, settings, members or payouts; every other change is a
failure. Changed rows are put back before the next example.

`HOSTILE_EXAMPLES=50 pytest tests/test_hostile_sweep.py` runs more examples per route and role (default 3).
"""

from __future__ import annotations

import os
import traceback
import zlib
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Rule
from wtforms.fields.core import UnboundField

from catalogue.models import Product, ProductImage, Variant
from orders.invoices.models import Invoice
from orders.models import Order, OrderStatus
from orders.privacy import asking
from orders.privacy.models import PrivacyRequest
from producers.models import Community
from shop import accounts
from shop.db import db
from shop.models import User
from tests.conftest import CSRF_FIELD, FreshContextClient, login_as
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.hostile import (
    FILENAMES,
    FILES,
    Change,
    Fields,
    Owners,
    changes,
    encode,
    harvest,
    multipart,
    pairs,
    restore,
    snapshot,
)
from tests.test_backoffice_access import ids  # noqa: F401 — the walk's rows, a fixture

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "3"))
ROLES = {
    "anonymous": None,
    "member_a": "slapaberze@example.org",
    "member_b": "krakes@example.org",
    "staff": "vida@vvg.example.org",
}
AREAS = {"storefront": "/", "workspace": "/workspace", "backoffice": "/backoffice"}
#: Who sees an area's forms whole: its pages are read as this role to learn each route's fields.
READER = {"storefront": "anonymous", "workspace": "member_a", "backoffice": "staff"}
#: Routes that cannot take junk: static files are files, not the shop's code.
SKIPPED = {"static"}
MISSING_ID = 2_147_483_647
COMMON_QUERY = ["page", "q", "lang", "next", "month", "status", "community", "first_day", "last_day", "id"]
#: Rows any request may add or touch: the audit log, the mail outbox (sent right after a commit), the
#: number series (an order's or an invoice's number) and the cached fragments' tokens (`shop.caching`).
BOOKKEEPING = {"audit_log", "outbox_messages", "outbox_attachments", "number_series", "cache_versions"}


def customer_tables() -> set[str]:
    """The tables of orders and what customers do with them (not payouts): the storefront's to change."""
    return {
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        if mapper.class_.__module__.startswith("orders.")
        and not mapper.class_.__module__.startswith("orders.payouts")
    }


def form_field_names() -> set[str]:
    """Every field name of every WTForms form class of the shop: for routes no page shows a form for."""
    names: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField))
    return names


@dataclass
class World:
    """The rows the sweep walks: community A's (with orders, a payout, photos) and community B's."""

    a: dict[str, Any]
    b: dict[str, Any]
    choices: dict[str, list[Any]] = field(default_factory=dict)

    def values(self, rule: Rule) -> st.SearchStrategy[dict[str, Any]]:
        """The rule's path arguments: A's row, B's, or one that does not exist (an argument no world row
        names, on a route added later, gets small ids or junk: new routes need no edits here)."""
        strategies = {}
        for argument in sorted(rule.arguments - set(rule.defaults or {})):
            choices = [x for x in (self.a.get(argument), self.b.get(argument)) if x is not None]
            choices += self.choices.get(argument, [])
            if isinstance(rule._converters.get(argument), IntegerConverter):
                choices += [1, MISSING_ID]  # an argument the world does not know (a new route) takes these
            elif not choices:
                choices += ["x", "ą" * 60, "0", "-1", "..%2f..%2fsecret_key"]
            strategies[argument] = st.sampled_from(choices)
        return st.fixed_dictionaries(strategies)


@pytest.fixture
def world(ids: dict[str, Any]) -> World:  # noqa: F811
    """A's rows from the access walks, an unpaid order of A's listing, and B with a listing, a photo and a
    paid order of its own."""
    unpaid = make_order([(db.session.get_one(Product, ids["product_id"]).variants[0], 1)])
    krakes = db.session.scalars(select(Community).where(Community.slug == "krakes")).one()
    product = make_product(krakes, variants=[make_variant(stock=5)], images=1, name_lt="Krakių varpelis")
    order = make_order(
        [(product.variants[0], 1)], status=OrderStatus.PAID, buyer=make_buyer(email="ona@example.com")
    )
    first = db.session.get_one(Order, ids["order_id"])
    fulfilment = order.fulfilments[0]
    b = {
        "community_id": krakes.id,
        "product_id": product.id,
        "variant_id": product.variants[0].id,
        "image_id": product.images[0].id,
        "fulfilment_id": fulfilment.id,
        "line_id": fulfilment.lines[0].id,
        "order_id": order.id,
        "membership_id": krakes.memberships[0].id,
        "invoice_id": db.session.scalars(
            select(Invoice.id).where(Invoice.fulfilment_id == fulfilment.id)
        ).one(),
        "token": order.public_token,
        "slug": product.slug,
    }
    renditions = [f"{key}-320.webp" for key in db.session.scalars(select(ProductImage.key))]
    a_product = db.session.get_one(Product, ids["product_id"])
    member = db.session.scalars(select(User.id).where(User.email == ROLES["member_a"])).one()
    a = {**ids, "token": first.public_token, "slug": a_product.slug}
    return World(
        a,
        b,
        {
            "token": [  # order tracking, a password link of A's member, a customer's privacy link, junk
                unpaid.public_token,
                accounts.make_link_token(db.session.get_one(User, member), accounts.RESET),
                asking.make_link_token(db.session.get_one(PrivacyRequest, ids["request_id"])),
                "x" * 64,
                "..%2f..%2fsecret_key",
            ],
            "slug": ["slapaberze", "krakes", "ą" * 300],
            "name": [*renditions[:1], "nera-1.webp", "..%2fsecret_key"],
            "number": [1, 2, MISSING_ID],
        },
    )


def rules(app: Flask, area: str) -> list[Rule]:
    """The area's routes (each method of each rule is swept)."""

    def in_area(rule: Rule) -> bool:
        if area == "storefront":
            return not rule.rule.startswith(("/workspace", "/backoffice"))
        return rule.rule.startswith(AREAS[area])

    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED and in_area(rule)),
        key=lambda rule: (rule.rule, rule.endpoint),
    )


def sign_in(client: FlaskClient, role: str) -> str:
    """Sign `client` in as `role` (or not, for the anonymous visitor); its CSRF token."""
    email = ROLES[role]
    if email is not None:
        login_as(client, email)
    page = client.get("/prisijungti" if email is None else "/krepselis").get_data(as_text=True)
    match = CSRF_FIELD.search(page)
    assert match, "no CSRF token"
    return match.group(1)


def read_forms(app: Flask, world: World, area: str, role: str | None = None) -> dict[str, Fields]:
    """What the area's own pages, read by `role` (by default the role that sees them whole), send to each
    route."""
    reader = FreshContextClient(app, app.response_class, use_cookies=True)
    sign_in(reader, role or READER[area])
    found: dict[str, Fields] = {}
    shown = {**world.a, **world.b} if role == "member_b" else world.a  # a member reads their own rows' pages
    pages = [
        str(rule.build({**shown, **(rule.defaults or {})}, append_unknown=False)[1])  # type: ignore[index]
        for rule in rules(app, area)
        if "GET" in (rule.methods or ()) and not rule.arguments - set(shown) - set(rule.defaults or {})
    ]
    if area == "storefront":  # a cart first, so the checkout page shows its form
        product = f"/produktai/{world.a['slug']}"
        harvest(app, product, reader.get(product).get_data(as_text=True), found)
        offered = found.get("orders_storefront.add_to_cart", Fields()).form
        reader.post(
            "/krepselis/prideti",
            data={name: sorted(values)[0] if values else "1" for name, values in offered.items()},
        )
        pages += [product, f"/uzsakymai/{world.choices['token'][0]}"]
    for page in pages:
        response = reader.get(page)
        if response.mimetype == "text/html":
            harvest(app, page, response.get_data(as_text=True), found)
    return found


def test_the_forms_are_read_from_the_pages(app: Flask, world: World) -> None:
    """The sweep's fields come from real pages: the checkout form, a listing's variants and photos, a cancel
    form's reason, the order search's query."""
    storefront = read_forms(app, world, "storefront")
    assert {"email", "name", "phone"} <= set(storefront["orders_storefront.checkout_page"].form)
    workspace = read_forms(app, world, "workspace")
    assert "variants-0-price" in workspace["catalogue_workspace.listing_edit"].form
    assert workspace["catalogue_workspace.photo_upload"].files == {"photos"}
    backoffice = read_forms(app, world, "backoffice")
    assert "reason" in backoffice["orders_backoffice.staff_cancel"].form
    assert "q" in backoffice["orders_backoffice.order_search"].query


def forbidden(
    role: str, area: str, found: list[Change], owners: Owners, own: int | None, me: int | None = None
) -> list[Change]:
    """The changes `role` (a member of community `own`, if any; the person `me`, if signed in) may not make
    through a route of `area`. Anywhere, a person may change their own rows (their sign-in, their
    sessions), never whether they are staff."""
    if role == "staff" and area == "backoffice":
        return []
    allowed_tables = customer_tables() if area == "storefront" else set()
    bad = []
    for change in found:
        if change.table in BOOKKEEPING or change.table in allowed_tables:
            continue
        if (
            me is not None
            and owners.person(change.table, change.key) == me
            and "is_staff" not in change.columns
        ):
            continue
        if area == "storefront" and change.table == "variants" and set(change.columns) <= {"stock"}:
            continue  # an order holds stock; cancelling gives it back
        if area == "workspace" and own is not None:
            whose = owners.of(change.table, change.key)
            if whose and whose <= {own}:
                continue
        bad.append(change)
    return bad


@dataclass
class Sweep:
    """One role's client walking one area, and the database as it must stay (but for what the role may do)."""

    app: Flask
    world: World
    role: str
    area: str
    client: FlaskClient
    token: str
    baseline: dict[str, Any]
    me: int | None = None  #: the signed-in person's user id

    @property
    def may_enter(self) -> bool:
        """Whether the role's requests reach the area's views (else the door refuses them: fewer examples)."""
        return self.area == "storefront" or (self.area, self.role) in {
            ("workspace", "member_a"),
            ("workspace", "member_b"),
            ("backoffice", "staff"),
        }

    def route(
        self,
        rule: Rule,
        method: str,
        known: Fields,
        form_names: dict[str, set[str]],
        query_names: dict[str, set[str]],
    ) -> None:
        """Junk at one route with one method, `EXAMPLES` times."""

        @seed(
            zlib.crc32(f"{self.role} {method} {rule.rule} {rule.endpoint}".encode())
        )  # repeatable, per route
        @settings(
            max_examples=EXAMPLES if self.may_enter else max(1, EXAMPLES * 2 // 3),
            database=None,
            deadline=None,
            phases=(Phase.explicit, Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def attempt(data: st.DataObject) -> None:
            values = {**data.draw(self.world.values(rule)), **(rule.defaults or {})}
            path = str(rule.build(values, append_unknown=False)[1])  # type: ignore[index]
            query = encode(data.draw(pairs(query_names)))
            keep = {}
            if (
                data.draw(st.integers(0, 3)) < 3
            ):  # mostly the page's own hidden fields, so the junk reaches the form
                keep.update(known.hidden)
            keep["csrf_token"] = self.token  # this session's, not the page reader's
            names = {name: values for name, values in form_names.items() if name not in keep}
            body: str | MultiDict[str, Any] | None = None
            if method == "POST" and known.files:  # a photo form: multipart, with junk files
                uploads = [
                    (name, data.draw(FILES), data.draw(FILENAMES))
                    for name in sorted(known.files)
                    for _ in range(data.draw(st.integers(0, 2)))
                ]
                fields = [(k, v) for k, v in data.draw(pairs(names, keep=keep)) if k not in known.files]
                body = multipart(fields, uploads)
            elif method == "POST":
                body = encode(data.draw(pairs(names, keep=keep)))
            self.send(method, f"{path}?{query}" if query else path, body)

        attempt()

    def send(self, method: str, url: str, body: str | MultiDict[str, Any] | None) -> None:
        where = f"{self.role}: {method} {url[:300]}"
        try:
            if isinstance(body, MultiDict):  # the client writes the multipart body and its boundary
                response = self.client.open(url, method=method, data=body)
            else:
                form = "application/x-www-form-urlencoded"
                response = self.client.open(url, method=method, data=body, content_type=form)
        except Exception:
            pytest.fail(f"{where} raised\n{traceback.format_exc()}")
        assert response.status_code < 500, f"{where}: {response.status_code}"
        after = snapshot()
        if after != self.baseline:
            found = changes(self.baseline, after)
            own = {"member_a": self.world.a, "member_b": self.world.b}.get(self.role, {}).get("community_id")
            wrong = forbidden(self.role, self.area, found, Owners(self.baseline, after), own, self.me)
            restore(self.baseline)
            assert not wrong, f"{where} changed {[str(change) for change in wrong]}"
        if ROLES[self.role] is not None and self.area == "storefront" and method == "POST":
            home = "/backoffice/" if self.role == "staff" else "/workspace/"
            if self.client.get(home).status_code != 200:  # signed out by the route: sign in again
                self.token = sign_in(self.client, self.role)
                self.baseline = snapshot()


@pytest.mark.parametrize("area", list(AREAS))
@pytest.mark.parametrize("role", list(ROLES))
def test_no_route_answers_junk_with_a_server_error_or_a_forbidden_change(
    app: Flask, world: World, role: str, area: str
) -> None:
    fields = read_forms(app, world, area)
    if role != READER[area]:  # the hidden fields of the role's own pages (`acting_for` its own community)
        for endpoint, seen in read_forms(app, world, area, role).items():
            fields.setdefault(endpoint, Fields()).hidden.update(seen.hidden)
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    token = sign_in(client, role)
    me = (
        None
        if ROLES[role] is None
        else db.session.scalars(select(User.id).where(User.email == ROLES[role])).one()
    )
    sweep = Sweep(app, world, role, area, client, token, snapshot(), me)
    everything = {name: set[str]() for name in form_field_names()}
    for rule in rules(app, area):
        known = fields.get(rule.endpoint, Fields())
        form_names = {
            name: values for name, values in known.form.items() if name != "csrf_token"
        } or everything
        query_names = {**{name: set[str]() for name in COMMON_QUERY}, **known.query}
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            sweep.route(rule, method, known, form_names, query_names)


def test_every_route_is_swept(app: Flask) -> None:
    swept = sorted((rule.rule, rule.endpoint) for area in AREAS for rule in rules(app, area))
    every = sorted(
        (rule.rule, rule.endpoint) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
    )
    assert swept == every


def test_the_comparison_sees_a_change_to_another_communitys_rows(world: World) -> None:
    """The sweep's check is not blind: a price of A's listing changed is A's to change, B's never, and not a
    storefront's; a stock change is a storefront's (an order); `restore` puts the row back."""
    before = snapshot()
    with db.engine.begin() as connection:
        connection.execute(
            update(Variant).where(Variant.id == world.a["variant_id"]).values(price_cents=1, stock=0)
        )
    after = snapshot()
    found = changes(before, after)
    assert [str(change) for change in found] == [
        f"changed variants[{world.a['variant_id']}] (price_cents, stock)"
    ]
    owners = Owners(before, after)
    a, b = world.a["community_id"], world.b["community_id"]
    assert owners.of("variants", (world.a["variant_id"],)) == {a}
    assert forbidden("member_a", "workspace", found, owners, a) == []
    assert forbidden("member_b", "workspace", found, owners, b) == found
    assert forbidden("anonymous", "storefront", found, owners, None) == found
    assert forbidden("staff", "workspace", found, owners, None) == found
    assert forbidden("staff", "backoffice", found, owners, None) == []
    stock_only = [replace(found[0], columns=("stock",))]
    assert forbidden("anonymous", "storefront", stock_only, owners, None) == []
    restore(before)
    assert snapshot() == before


def test_a_person_may_change_their_own_row_anywhere_but_never_make_themselves_staff(world: World) -> None:
    member = db.session.scalars(select(User.id).where(User.email == ROLES["member_b"])).one()
    before = snapshot()
    with db.engine.begin() as connection:
        connection.execute(update(User).where(User.id == member).values(name="Kita"))
    after = snapshot()
    signed_in, owners = changes(before, after), Owners(before, after)
    assert forbidden("member_b", "storefront", signed_in, owners, world.b["community_id"], member) == []
    assert (
        forbidden("member_a", "storefront", signed_in, owners, world.a["community_id"], member + 1000) != []
    )
    staff = [replace(signed_in[0], columns=("is_staff",))]
    assert forbidden("member_b", "storefront", staff, owners, world.b["community_id"], member) == staff
    restore(before)
