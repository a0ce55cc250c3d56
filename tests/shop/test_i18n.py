from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from shop.templating import local_time, money
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import make_order

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("shop", "catalogue", "orders", "producers", "templates")
METHOD_MAP = [("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
}


def messages_in_code() -> set[str]:
    found = set()
    for folder in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, METHOD_MAP, keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("language", ["lt", "en"])
def test_every_message_in_the_code_is_translated(language: str) -> None:
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as file:
        catalog = read_po(file, locale=language)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(messages_in_code() - translated)
    assert not missing, f"{language}: untranslated messages (run `make extract-messages`): {missing}"


def test_the_shop_speaks_lithuanian_by_default(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="lt">' in html
    assert "Bendruomenės" in html


def test_lang_en_switches_to_english_and_is_remembered(client: FlaskClient) -> None:
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Communities" in html
    html = client.get("/katalogas").get_data(as_text=True)
    assert '<html lang="en">' in html and "All products" in html
    html = client.get("/katalogas?lang=lt").get_data(as_text=True)
    assert '<html lang="lt">' in html and "Visi gaminiai" in html
    assert '<html lang="lt">' in client.get("/").get_data(as_text=True)


def test_an_unknown_language_keeps_the_current_one(client: FlaskClient) -> None:
    client.get("/?lang=en")
    assert '<html lang="en">' in client.get("/?lang=fr").get_data(as_text=True)


def test_prices_follow_the_language(client: FlaskClient) -> None:
    make_product(slug="atvirukas", variants=[make_variant(price_cents=1250)])
    assert "12,50\xa0€" in client.get("/produktai/atvirukas").get_data(as_text=True)
    assert "€12.50" in client.get("/produktai/atvirukas?lang=en").get_data(as_text=True)


def test_texts_fall_back_to_lithuanian_where_english_is_empty(client: FlaskClient) -> None:
    make_product(
        category=make_category(name_lt="Vokai", name_en=""),
        slug="vokas",
        name_lt="Lininis vokas",
        name_en="",
        description_lt="Susiūtas iš lino.",
        description_en="",
    )
    html = client.get("/produktai/vokas?lang=en").get_data(as_text=True)
    assert "Lininis vokas" in html and "Susiūtas iš lino." in html and "Vokai" in html
    assert "Made and sold by" in html  # the page itself is in English


def test_the_switcher_links_to_the_same_page_in_the_other_language(client: FlaskClient) -> None:
    html = client.get("/katalogas?q=angelas").get_data(as_text=True)
    assert 'href="/katalogas?q=angelas&amp;lang=en" hreflang="en"' in html


def test_times_are_shown_in_vilnius_time(app: Flask) -> None:
    with app.test_request_context("/?lang=lt"):
        assert "14:30" in local_time(datetime(2026, 7, 1, 11, 30, tzinfo=UTC))  # UTC+3 in summer
        assert "13:30" in local_time(datetime(2026, 12, 1, 11, 30, tzinfo=UTC))  # UTC+2 in winter
        assert money(1250) == "12,50\xa0€"


def test_error_pages_speak_the_visitors_language(client: FlaskClient) -> None:
    response = client.get("/nera-tokio-puslapio")
    assert response.status_code == 404 and "Puslapis nerastas" in response.get_data(as_text=True)
    response = client.get("/nera-tokio-puslapio?lang=en")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_english_dates_are_day_first_as_in_ireland_and_britain(app: Flask, client: FlaskClient) -> None:
    app.config["BANK_TRANSFER_DAYS"] = 7
    with time_machine.travel(datetime(2026, 12, 4, 10, 0, tzinfo=UTC), tick=False):
        order = make_order()  # by bank transfer: held 24 hours, or 7 days (to 11 December) once paid
        english = client.get(f"/uzsakymai/{order.public_token}?lang=en").get_data(as_text=True)
        lithuanian = client.get(f"/uzsakymai/{order.public_token}?lang=lt").get_data(as_text=True)
    assert "held until 05/12/2026, 12:00" in english  # 5 December, noon in Vilnius; never "12/05/26"
    assert "we hold them until 11/12/2026, 12:00" in english
    assert "laikomos iki 2026-12-05 12:00" in lithuanian and "laikysime iki 2026-12-11 12:00" in lithuanian


def test_a_mail_in_another_language_inside_a_request_and_the_page_after_it_each_speak_their_own(
    app: Flask,
) -> None:
    """The templates' messages are looked up once per request and language: a text in the customer's
    language in the middle of a page in another (as a checkout's mail is) still follows it, both ways."""
    say = app.jinja_env.from_string('{{ _("Cart") }} · {{ current_language() }}')
    with app.app_context(), app.test_request_context("/?lang=en"):  # each request its own state, as served
        assert say.render() == "Cart · en"
        with force_locale("lt"):
            assert say.render() == "Krepšelis · lt"
        assert say.render() == "Cart · en"
    with app.app_context(), app.test_request_context("/"):
        assert say.render() == "Krepšelis · lt"
        with force_locale("en"):
            assert say.render() == "Cart · en"
        assert say.render() == "Krepšelis · lt"
