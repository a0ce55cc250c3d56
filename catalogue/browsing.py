"""Reading the catalogue: the storefront's lists, filters, search and product pages."""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Label,
    Row,
    Select,
    SQLColumnExpression,
    Subquery,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import contains_eager, joinedload, load_only, raiseload
from sqlalchemy.orm.attributes import set_committed_value

from catalogue.fairs.models import FairProduct
from catalogue.fairs.showing import shown_at
from catalogue.models import (
    Category,
    Offer,
    Product,
    ProductImage,
    Sale,
    SearchTerm,
    Variant,
    offer_at,
    on_sale_now,
)
from catalogue.search import (
    CLOSE_LENGTH,
    CLOSE_WORDS,
    TERM_LENGTH,
    TYPO_LENGTH,
    QueryWord,
    close_lengths,
    close_words,
    closest_word,
    parse_query,
    prefix_end,
    typo_lengths,
)
from producers.communities import shows_products_today
from producers.marks.register import holds_mark_now
from producers.models import Community
from shop.db import UTCDateTime, db, utcnow
from shop.i18n import vilnius_today
from shop.pagination import Page

#: Sort keys, each with whether it runs high to low.
_Order = list[tuple[SQLColumnExpression[Any], bool]]
#: No catalogue gets this far; a page asked for past it is taken for it (and so for the last real page).
_LAST_PAGE = 100_000


class Sort(enum.StrEnum):
    RECOMMENDED = "recommended"  # featured first, then newest
    NEWEST = "newest"
    PRICE_ASC = "price_asc"  # by the lowest variant price in force (a sale's while it runs)
    PRICE_DESC = "price_desc"


@dataclass(frozen=True)
class CatalogueFilter:
    """What a customer asked the catalogue for; every field is optional."""

    query: str = ""
    category_slug: str | None = None
    community_slug: str | None = None
    min_price_cents: int | None = None
    max_price_cents: int | None = None
    in_stock: bool = False  # only products with a variant ready to ship now
    certified: bool = False  # only products of communities holding the community-business mark now
    sort: Sort = Sort.RECOMMENDED
    fair_id: int | None = None  # only the products shown at this fair (its page), in its order


def price_in_force(now: datetime) -> ColumnElement[int]:
    """A variant's price at `now` in SQL, as `Variant.offer(now).price_cents` works it out: the sale price
    while its sale runs, else the regular price."""
    on_sale = and_(
        Variant.sale_price_cents.is_not(None), Variant.sale_starts_at <= now, Variant.sale_ends_at > now
    )
    return case((on_sale, Variant.sale_price_cents), else_=Variant.price_cents)


def _visible_products() -> Select[Product]:
    """Products a customer may see: active, of an active community not hiding them for its holidays."""
    return (
        select(Product)
        .join(Product.community)
        .where(
            on_sale_now(utcnow()),
            shows_products_today(),
        )
    )


def _term_starts(prefix: str) -> ColumnElement[bool]:
    """Indexed terms starting with `prefix`: one range of the index (terms compare by code point)."""
    return and_(SearchTerm.term >= prefix, SearchTerm.term < prefix_end(prefix))


def _match_query(statement: Select[Product], query: str) -> tuple[Select[Product], ColumnElement[int]] | None:
    """`statement` narrowed to the products matching every word of `query`, with each one's relevance;
    None when the query has no words (then everything matches).

    A word's score in a product is the weight of its best field (see catalogue.search's weights) doubled,
    plus one when it is a whole word or stem rather than the start of a word; a product's relevance is the
    sum over the words. One statement whatever the number of words: each index range is read on its own
    (`_word_ranges`, joined by UNION ALL: an index-only scan each on PostgreSQL, where an OR of the ranges
    is a bitmap scan that fetches every row found from the table), and the rows grouped by product, a
    product kept when it has every word. A one-word query needs no test of which word a row is for.
    """
    words = parse_query(query)
    if not words:
        return None
    ranges = [branch for position, word in enumerate(words) for branch in _word_ranges(position, word)]
    rows = ranges[0].subquery() if len(ranges) == 1 else union_all(*ranges).subquery()
    if len(words) == 1:  # every row found is the word's: its best row is its score
        best = func.max(rows.c.score)
        # Always true; it keeps PostgreSQL's estimate of the products found at a third of the groups, as
        # with several words: without it the larger hash tables took 12% longer for "atvirukai".
        found = select(rows.c.product_id, best.label("score")).group_by(rows.c.product_id).having(best > 0)
    else:
        scores = [func.max(case((rows.c.word == i, rows.c.score), else_=0)) for i in range(len(words))]
        found = (
            select(rows.c.product_id, sum(scores[1:], scores[0]).label("score"))
            .group_by(rows.c.product_id)
            .having(and_(*(score > 0 for score in scores)))
        )
    matched = found.subquery()
    return statement.join(matched, matched.c.product_id == Product.id), matched.c.score


def _word_ranges(position: int, word: QueryWord) -> list[Select[int, int, int]]:
    """The index rows of one query word, (product_id, word: its `position`, score), one SELECT per range.

    The word's stems find and score it: a whole stem scores one more than a stem merely starting with one
    of the last word's; a stem inside a prefix, and a prefix inside a shorter one, add no range, so the
    ranges never overlap and a row is read once per word. The last word, while it is not a whole indexed
    word ("zvaigzdut"), is also looked for as the start of a word: the stems of a half-typed word are not
    always the starts of the stems of the words it begins.
    """
    stems = sorted(word.stems)
    prefixes = sorted(p for p in word.prefixes if not any(p.startswith(q) for q in word.prefixes - {p}))
    rest = [stem for stem in stems if not any(stem.startswith(prefix) for prefix in prefixes)]
    tag = literal(position).label("word")
    is_stem = SearchTerm.is_word == false()
    ranges = []
    if rest:
        whole = (SearchTerm.weight * 2 + 1).label("score")
        ranges.append(select(SearchTerm.product_id, tag, whole).where(is_stem, SearchTerm.term.in_(rest)))
    for prefix in prefixes:
        inside = [stem for stem in stems if stem.startswith(prefix)]
        score = SearchTerm.weight * 2
        if inside:  # a whole stem in the range scores one more than a stem merely starting so
            score = score + case((SearchTerm.term.in_(inside), 1), else_=0)
        ranges.append(
            select(SearchTerm.product_id, tag, score.label("score")).where(is_stem, _term_starts(prefix))
        )
    if word.is_last:
        whole_word = exists().where(SearchTerm.term == word.typed, SearchTerm.is_word == true())
        ranges.append(
            select(SearchTerm.product_id, tag, (SearchTerm.weight * 2).label("score")).where(
                SearchTerm.is_word == true(), _term_starts(word.typed), ~whole_word
            )
        )
    return ranges


def _matches_nothing(word: QueryWord) -> list[ColumnElement[bool]]:
    """Conditions true when `word` finds no product: none of its ranges (`_word_ranges`) has a row."""
    found = [exists().where(SearchTerm.term.in_(sorted(word.stems)), SearchTerm.is_word == false())]
    found += [
        exists().where(_term_starts(prefix), SearchTerm.is_word == false())
        for prefix in sorted(word.prefixes)
    ]
    if word.is_last:
        found.append(exists().where(_term_starts(word.typed), SearchTerm.is_word == true()))
    return [~condition for condition in found]


def _terms_of_first_letter(name: str, word: QueryWord) -> CTE:
    """The distinct indexed terms starting with `word`'s first letter, in order, when `word` matches nothing
    as it is (else none): a "loose index scan", one seek per distinct term in a recursive CTE, the same on
    both databases. A known word costs one index probe, an unknown one a seek per distinct term of its
    letter, never a scan of every product's rows."""
    first = word.typed[0]
    lowest = select(func.min(SearchTerm.term)).where(_term_starts(first)).scalar_subquery()
    near = select(lowest.label("term")).where(*_matches_nothing(word)).cte(name, recursive=True)
    following = (
        select(func.min(SearchTerm.term))
        .where(SearchTerm.term > near.c.term, SearchTerm.term < prefix_end(first))
        .scalar_subquery()
    )
    return near.union_all(select(following).where(near.c.term.is_not(None)))


def correct_query(query: str) -> str | None:
    """`query` with each word of five letters or more that matches nothing replaced by the closest indexed
    word (one edit away, two for long words), or None when there is nothing to correct.

    One statement, run when the query has such a word: for each of them, the terms of its first letter and
    of a length within the edits allowed (`_terms_of_first_letter`).
    """
    words = [word for word in parse_query(query) if len(word.typed) >= TYPO_LENGTH]
    if not words:
        return None
    picks = []
    for i, word in enumerate(words):
        shortest, longest = typo_lengths(word.typed)
        near = _terms_of_first_letter(f"near_{i}", word)
        picks.append(
            select(literal(i).label("word"), near.c.term).where(
                near.c.term.is_not(None), func.length(near.c.term).between(shortest, longest)
            )
        )
    statement = picks[0] if len(picks) == 1 else union_all(*picks)
    candidates: dict[int, list[str]] = {}
    for i, term in db.session.execute(statement):
        candidates.setdefault(i, []).append(term)
    corrected = {i: closest_word(word.typed, candidates.get(i, ())) for i, word in enumerate(words)}
    if not any(corrected.values()):
        return None
    replacements = {word.typed: corrected[i] for i, word in enumerate(words) if corrected[i]}
    return " ".join(replacements.get(word.typed) or word.typed for word in parse_query(query))


def list_close_words(query: str, *, limit: int = CLOSE_WORDS) -> list[str]:
    """Up to `limit` indexed words close to the words of `query` that match nothing, nearest first and then
    alphabetically, each found in a product on show: what a search that found nothing offers instead.

    One statement, run when the query has a word of four letters or more: the same walk as `correct_query`
    (`_terms_of_first_letter`), looser (see `catalogue.search.close_words`), and for each term it keeps,
    whether a product on show has it (an index probe that stops at the first such product).
    """
    words = [word for word in parse_query(query) if len(word.typed) >= CLOSE_LENGTH]
    if not words:
        return []
    picks = []
    for i, word in enumerate(words):
        typed = word.typed[:TERM_LENGTH]
        shortest, longest = close_lengths(typed)
        near = _terms_of_first_letter(f"close_{i}", word)
        shown = (
            select(SearchTerm.product_id)
            .join(Product, Product.id == SearchTerm.product_id)
            .join(Product.community)
            .where(SearchTerm.term == near.c.term, on_sale_now(utcnow()), shows_products_today())
            .exists()
        )
        picks.append(
            select(literal(i).label("word"), near.c.term, shown.label("shown")).where(
                near.c.term.is_not(None),
                or_(
                    func.length(near.c.term).between(shortest, longest),
                    and_(near.c.term >= typed, near.c.term < prefix_end(typed)),
                ),
            )
        )
    statement = picks[0] if len(picks) == 1 else union_all(*picks)
    terms: dict[int, dict[str, bool]] = {}
    for i, term, is_shown in db.session.execute(statement):
        terms.setdefault(i, {})[term] = bool(is_shown)
    nearest: dict[str, int] = {}
    for i, word in enumerate(words):
        for term, distance in close_words(word.typed[:TERM_LENGTH], terms.get(i, {})).items():
            nearest[term] = min(distance, nearest.get(term, distance))
    return [term for _, term in sorted((distance, term) for term, distance in nearest.items())][:limit]


#: One row of `_read_cards`' statement: a variant's, with its product's, community's and first photo's.
_CardRow = Row[*tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class CardPhoto:
    """A product's first photo as its card shows it (its renditions are named by `key`: catalogue.images)."""

    key: str
    width: int
    height: int
    alt_lt: str
    alt_en: str


@dataclass(frozen=True, slots=True)
class ProductCard:
    """What a product card shows, worked out as the page is read: plain data, which the template only writes
    out (24 to 48 cards a page, where methods and macros called per card were half the page's time)."""

    id: int
    slug: str
    name_lt: str
    name_en: str
    community_name: str
    holds_mark: bool  #: the community holds the community-business mark now
    back_on: date | None  #: the community is on holiday, taking no orders until this day
    offer: Offer  #: what the cheapest variant costs now
    has_price_range: bool  #: the variants' prices in force differ ("from …")
    in_stock: bool  #: a variant is ready to ship
    made_in_days: int | None  #: the shortest making time of its made-to-order variants (None: none is)
    only_variant_id: int | None  #: the variant of a product with one that can be ordered: added from the card
    photo: CardPhoto | None

    @property
    def is_available(self) -> bool:
        """Whether a variant can be ordered now (in stock or made to order)."""
        return self.in_stock or self.made_in_days is not None


def _read_cards(picked: Subquery, order: Sequence[tuple[str, bool]]) -> tuple[list[ProductCard], int]:
    """The cards of the products `picked` (a subquery of their `id`s, and their `total` when it has one),
    in `order` (its columns by name, each with whether it runs high to low), and that total (0 when nothing
    is picked or it has none).

    One statement whatever the number of cards, of the columns a card shows only: a row per variant, each
    with its product's, its community's and its first photo's columns (that photo picked by a correlated
    subquery for the picked few only)."""
    first_photo = (
        select(ProductImage.id)
        .where(ProductImage.product_id == picked.c.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
        .scalar_subquery()
    )
    with_photo = select(picked, first_photo.label("photo_id")).subquery()
    total = with_photo.c.total if "total" in with_photo.c else literal(0)
    columns = with_photo.c
    keys = [columns[name].desc() if descending else columns[name].asc() for name, descending in order]
    statement = (
        select(
            Product.id,
            Product.slug,
            Product.name_lt,
            Product.name_en,
            Community.name.label("community_name"),
            Community.vacation_until,
            holds_mark_now().label("holds_mark"),
            ProductImage.key.label("photo_key"),
            ProductImage.width.label("photo_width"),
            ProductImage.height.label("photo_height"),
            ProductImage.alt_lt.label("photo_alt_lt"),
            ProductImage.alt_en.label("photo_alt_en"),
            Variant.id.label("variant_id"),
            Variant.price_cents,
            Variant.stock,
            Variant.is_made_to_order,
            Variant.lead_days,
            Variant.sale_price_cents,
            Variant.sale_starts_at,
            Variant.sale_ends_at,
            Variant.prior_price_cents,
            total.label("total"),
        )
        .select_from(with_photo)
        .join(Product, Product.id == with_photo.c.id)
        .join(Product.community)
        .outerjoin(ProductImage, ProductImage.id == with_photo.c.photo_id)
        .outerjoin(Variant, Variant.product_id == Product.id)
        .order_by(*keys, Variant.position, Variant.id)
    )
    rows: dict[int, list[_CardRow]] = {}  # a product's rows, one per variant
    for row in db.session.execute(statement):
        rows.setdefault(row.id, []).append(row)
    now, today = utcnow(), vilnius_today()
    cards = [_card(variants, now, today) for variants in rows.values()]
    return cards, (next(iter(rows.values()))[0].total if rows else 0)


def _card(rows: list[_CardRow], now: datetime, today: date) -> ProductCard:
    """One product's card from its rows (one per variant, in the variants' order)."""
    first = rows[0]
    variants = [row for row in rows if row.variant_id is not None]
    offers = [
        offer_at(
            now,
            row.price_cents,
            Sale(row.sale_price_cents, row.sale_starts_at, row.sale_ends_at)
            if row.sale_price_cents is not None
            else None,
            row.prior_price_cents,
        )
        for row in variants
    ]
    made_in = [row.lead_days for row in variants if row.is_made_to_order]
    in_stock = any(row.stock > 0 for row in variants)
    available = in_stock or bool(made_in)
    photo = (
        CardPhoto(
            first.photo_key, first.photo_width, first.photo_height, first.photo_alt_lt, first.photo_alt_en
        )
        if first.photo_key is not None
        else None
    )
    back_on = first.vacation_until
    return ProductCard(
        id=first.id,
        slug=first.slug,
        name_lt=first.name_lt,
        name_en=first.name_en,
        community_name=first.community_name,
        holds_mark=bool(first.holds_mark),
        back_on=back_on if back_on is not None and today < back_on else None,
        offer=min(offers, key=lambda offer: offer.price_cents, default=Offer(0)),
        has_price_range=len({offer.price_cents for offer in offers}) > 1,
        in_stock=in_stock,
        made_in_days=min(made_in) if made_in else None,
        only_variant_id=variants[0].variant_id if len(variants) == 1 and available else None,
        photo=photo,
    )


def _listed(filters: CatalogueFilter) -> tuple[Select[Product], _Order]:
    """The visible products matching `filters`, and the order the catalogue lists them in."""
    statement = _visible_products()
    if filters.category_slug:
        statement = statement.where(Product.category.has(Category.slug == filters.category_slug))
    if filters.community_slug:
        statement = statement.where(Community.slug == filters.community_slug)
    if filters.fair_id is not None:
        statement = statement.where(shown_at(filters.fair_id))
    relevance = _match_query(statement, filters.query)
    if relevance is not None:
        statement, score = relevance
    price = price_in_force(utcnow())
    if filters.min_price_cents is not None or filters.max_price_cents is not None:
        in_range = Variant.product_id == Product.id
        if filters.min_price_cents is not None:
            in_range &= price >= filters.min_price_cents
        if filters.max_price_cents is not None:
            in_range &= price <= filters.max_price_cents
        statement = statement.where(exists().where(in_range))
    if filters.in_stock:
        statement = statement.where(exists().where(Variant.product_id == Product.id, Variant.stock > 0))
    if filters.certified:
        statement = statement.where(holds_mark_now())
    min_price = select(func.min(price)).where(Variant.product_id == Product.id).scalar_subquery()
    orders: dict[Sort, _Order] = {  # (key, descending)
        Sort.RECOMMENDED: [(Product.is_featured, True), (Product.created_at, True), (Product.id, True)],
        Sort.NEWEST: [(Product.created_at, True), (Product.id, True)],
        Sort.PRICE_ASC: [(min_price, False), (Product.id, False)],
        Sort.PRICE_DESC: [(min_price, True), (Product.id, True)],
    }
    if filters.fair_id is not None:  # the fair's own order: featured first, then as the VVG placed them
        at_fair = select(FairProduct).where(
            FairProduct.fair_id == filters.fair_id, FairProduct.product_id == Product.id
        )
        featured = at_fair.with_only_columns(FairProduct.is_featured).scalar_subquery()
        position = at_fair.with_only_columns(FairProduct.position).scalar_subquery()
        orders[Sort.RECOMMENDED] = [(featured, True), (position, False), (Product.id, False)]
    order = orders[filters.sort]
    if relevance is not None and filters.sort is Sort.RECOMMENDED:
        # one pass over the variants in stock for the whole page, not a probe per product found
        in_stock = Product.id.in_(select(Variant.product_id).where(Variant.stock > 0))
        order = [(score, True), (case((in_stock, 0), else_=1), False), *order]
    return statement, order


def list_products(filters: CatalogueFilter, *, page: int, per_page: int) -> Page[ProductCard]:
    """The cards of one page of the catalogue matching `filters`; a page out of range shows the nearest real
    page."""
    statement, order = _listed(filters)
    number = min(max(page, 1), _LAST_PAGE)
    apart = not filters.query
    items, total = _ranked_page(statement, order, number=number, per_page=per_page, counted_apart=apart)
    if not items and number > 1:  # past the last page: count, then show the last real one
        total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
        number = min(number, max(1, math.ceil(total / per_page)))
        if total:
            items, total = _ranked_page(
                statement, order, number=number, per_page=per_page, counted_apart=apart
            )
    return Page(items=items, number=number, size=per_page, total=total)


def list_suggestions(query: str, *, limit: int) -> Sequence[Product]:
    """The first `limit` products the catalogue's search for `query` lists, in its order, for the type-ahead
    list: their slugs and names only (no count, variants, photos or community), in one statement."""
    statement, order = _listed(CatalogueFilter(query=query))
    shown = load_only(Product.id, Product.slug, Product.name_lt, Product.name_en, raiseload=True)
    in_order = (key.desc() if descending else key.asc() for key, descending in order)
    return db.session.scalars(statement.options(shown, raiseload("*")).order_by(*in_order).limit(limit)).all()


def _ranked_page(
    statement: Select[Product],
    order: _Order,
    *,
    number: int,
    per_page: int,
    counted_apart: bool = False,
) -> tuple[list[ProductCard], int]:
    """The cards of page `number` of what `statement` finds in `order`, and how many it finds in all (0
    when the page is empty).

    One statement: the ids of the page are picked and everything found is counted (`count(*) over ()`) on
    narrow rows, ids and sort keys only, before the page's few cards are read (`_read_cards`). `counted_apart`
    counts in a subquery of its own instead (still one statement): for a list in an indexed order (the
    catalogue not searched), where the page is then read from the index's first entries and the count
    from the index alone, instead of every product found being sorted to number them.
    """
    keys: list[tuple[Label[Any], bool]] = [
        (key.label(f"key_{i}"), descending) for i, (key, descending) in enumerate(order)
    ]
    if counted_apart:
        counted = statement.with_only_columns(func.count()).order_by(None).correlate(None)
        total: Any = counted.scalar_subquery()
    else:
        total = func.count().over()
    ranked = (
        statement.with_only_columns(Product.id.label("id"), total.label("total"), *(key for key, _ in keys))
        .order_by(*(key.desc() if descending else key.asc() for key, descending in keys))
        .limit(per_page)
        .offset((number - 1) * per_page)
        .subquery()
    )
    return _read_cards(ranked, [(key.name, descending) for key, descending in keys])


def list_featured_products(limit: int = 8) -> list[ProductCard]:
    """The cards of the products the VVG puts on the home page, newest first."""
    picked = (
        _visible_products()
        .where(Product.is_featured.is_(True))
        .with_only_columns(Product.id.label("id"), Product.created_at.label("created_at"))
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
        .subquery()
    )
    return _read_cards(picked, [("created_at", True), ("id", True)])[0]


@functools.cache
def _product_page() -> Select[Product]:
    """`get_product`'s statement, built once with the slug, the moment and the Vilnius day as parameters:
    its cache key is then worked out once too, where building it and keying it anew each time was a third
    of loading the product. A product as `_visible_products` finds it, with its community (holding the mark
    or not, and its shipping options for the delivery promises), category and product type."""
    now, today = bindparam("now", type_=UTCDateTime()), bindparam("today", type_=Date())
    return (
        select(Product)
        .join(Product.community)
        .where(Product.slug == bindparam("slug"), on_sale_now(now), shows_products_today(today))
        .options(
            contains_eager(Product.community).with_expression(Community.holds_mark, holds_mark_now(now)),
            contains_eager(Product.community).joinedload(Community.shipping_options),
            joinedload(Product.category),
            joinedload(Product.product_type),
        )
    )


#: A product's variants and photos, each by a statement built once (see `get_product`).
_VARIANTS = select(Variant).where(Variant.product_id == bindparam("product_id")).order_by(Variant.position)
_IMAGES = (
    select(ProductImage)
    .where(ProductImage.product_id == bindparam("product_id"))
    .order_by(ProductImage.position)
)


def get_product(slug: str) -> Product | None:
    """A visible product with everything its page shows, or None.

    Three statements, each built once. The variants and photos are read apart rather than joined, so that
    the rows do not multiply (up to 20 variants × 8 photos × 5 methods), and by statements of their own
    rather than `selectinload`, whose statement carries the product statement's options and works out their
    cache key again at each loading (more than half of loading a product that way)."""
    product = (
        db.session.scalars(_product_page(), {"slug": slug, "now": utcnow(), "today": vilnius_today()})
        .unique()
        .one_or_none()
    )
    if product is not None:
        key = {"product_id": product.id}
        set_committed_value(product, "variants", db.session.scalars(_VARIANTS, key).all())
        set_committed_value(product, "images", db.session.scalars(_IMAGES, key).all())
    return product


@dataclass(frozen=True)
class CommunityChoice:
    """A community as a filter lists it."""

    slug: str
    name: str


def list_filter_communities(limit: int, *, chosen: str | None = None) -> list[CommunityChoice]:
    """The catalogue filter's communities, by name: the `limit` showing the most products, and the active
    one `chosen` (by slug) when it is not among them.

    A fixed few whatever the number of communities: with all 150 listed, the select was a third of the
    catalogue page's time; every community is on the communities page, whose pages list its products."""
    most = (
        select(Product.community_id)
        .join(Product.community)
        .where(on_sale_now(utcnow()), shows_products_today())
        .group_by(Product.community_id)
        .order_by(func.count().desc(), Product.community_id)
        .limit(limit)
    )
    listed: ColumnElement[bool] = Community.id.in_(most.scalar_subquery())
    if chosen:
        listed = or_(listed, Community.slug == chosen)
    rows = db.session.execute(
        select(Community.slug, Community.name)
        .where(Community.is_active.is_(True), listed)
        .order_by(Community.name, Community.id)
    )
    return [CommunityChoice(slug, name) for slug, name in rows]


def list_categories() -> Sequence[Category]:
    """Every category, in the VVG's order."""
    return db.session.scalars(select(Category).order_by(Category.position, Category.id)).all()


def count_products_by_category() -> dict[int, int]:
    """How many visible products each category holds (for the home page and the filters)."""
    rows = db.session.execute(
        select(Product.category_id, func.count(Product.id))
        .join(Product.community)
        .where(
            on_sale_now(utcnow()),
            shows_products_today(),
        )
        .group_by(Product.category_id)
    ).all()
    return {category_id: count for category_id, count in rows}


def list_sitemap_entries() -> list[tuple[str, datetime]]:
    """(slug, updated_at) of every visible product, for sitemap.xml."""
    rows = db.session.execute(
        select(Product.slug, Product.updated_at)
        .join(Product.community)
        .where(
            on_sale_now(utcnow()),
            shows_products_today(),
        )
        .order_by(Product.id)
    ).all()
    return [(slug, updated_at) for slug, updated_at in rows]


def list_visible_products(ids: Sequence[int]) -> list[ProductCard]:
    """The cards of the visible ones of the products `ids`, in the order of `ids`."""
    if not ids:
        return []
    picked = (
        _visible_products().where(Product.id.in_(ids)).with_only_columns(Product.id.label("id")).subquery()
    )
    found = {card.id: card for card in _read_cards(picked, [("id", False)])[0]}
    return [found[id_] for id_ in ids if id_ in found]
