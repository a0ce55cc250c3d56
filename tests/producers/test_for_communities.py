"""The way in for communities: the storefront footer's "For communities" page."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.factories.shop import make_operator


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


def test_the_footer_leads_to_the_page_for_communities_with_the_vvgs_contact_and_the_sign_in(
    client: FlaskClient, app: object
) -> None:
    make_operator()
    home = client.get("/").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Bendruomenėms</a>', footer(home))
    assert link and link.group(1) == "/bendruomenems"

    response = client.get(link.group(1))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Bendruomenėms · Kaimo mugė</title>" in html
    assert "Kėdainių rajono kaimo bendruomenės ir bendruomeninės organizacijos" in html  # who can
    assert "komisinį mokestį" in html  # what it gets: payouts, less the commission
    assert '<a href="mailto:info@vvg.example.org">info@vvg.example.org</a>' in html
    assert '<a href="tel:+37034751234">+370 347 51234</a>' in html
    assert "pakviečia jos žmones" in html  # the VVG sets the community up and invites its people
    assert '<a class="button" href="/prisijungti">Prisijungti</a>' in html
    assert "noindex" not in html  # a page for search engines too
    assert '<link rel="canonical" href="http://shop.test/bendruomenems">' in html


def test_the_page_for_communities_speaks_english(client: FlaskClient, app: object) -> None:
    make_operator()
    html = client.get("/bendruomenems?lang=en").get_data(as_text=True)
    assert "<h1>Sell your community's handmade goods in Kaimo mugė</h1>" in html
    assert ">For communities</a>" in footer(html)
    assert '<a class="button" href="/prisijungti">Sign in</a>' in html
    assert "info@vvg.example.org" in html


def test_before_the_operator_is_set_up_the_page_for_communities_still_opens(
    client: FlaskClient, app: object
) -> None:
    response = client.get("/bendruomenems")
    assert response.status_code == 200
    assert 'href="/prisijungti"' in response.get_data(as_text=True)


def test_the_sign_in_page_shows_a_community_not_selling_yet_how_to_start(
    client: FlaskClient, app: object
) -> None:
    html = client.get("/prisijungti").get_data(as_text=True)
    assert '<a href="/bendruomenems">Kaip pradėti</a>' in html
