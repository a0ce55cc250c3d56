"""The pages' frames: the shop's (search, cart, footer) for customers; the work areas' own for the people who
work here (the area's name once, its navigation, the other area, the shop, sign-out, the language)."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from producers.models import Community
from shop.models import User
from tests.conftest import login_as
from tests.factories.producers import make_community, make_membership
from tests.factories.shop import make_operator, make_user

COMMUNITY = "Šlapaberžės bendruomenės centras"
PERSON = "Aldona Petrauskienė"

WORKSPACE_PAGES = {
    "/workspace/": "Šiandien",
    "/workspace/orders": "Užsakymai",
    "/workspace/listings": "Gaminiai",
    "/workspace/settings": "Parduotuvės nustatymai",
    "/workspace/payouts": "Išmokos",
}
BACKOFFICE_PAGES = {
    "/backoffice/": "Apžvalga",
    "/backoffice/payments": "Mokėjimai",
    "/backoffice/orders": "Užsakymai",
    "/backoffice/moderation": "Gaminiai peržiūrai",
    "/backoffice/communities": "Bendruomenių valdymas",
    "/backoffice/payouts/": "Išmokos",
    "/backoffice/reports": "Pardavimų ataskaita",
    "/backoffice/mail": "Laiškai",
    "/backoffice/privacy": "Privatumo prašymai",
    "/backoffice/audit": "Veiksmų žurnalas",
}


@pytest.fixture
def slapaberze(app: object) -> Community:
    make_operator()
    return make_community(slug="slapaberze", name=COMMUNITY)


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def nav(html: str, label: str) -> str:
    """The navigation landmark of that name."""
    match = re.search(rf'<nav [^>]*aria-label="{label}".*?</nav>', html, re.S)
    assert match, f"no navigation called {label}"
    return match.group(0)


def current_links(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', html)


def assert_work_frame(html: str) -> None:
    """A work page: none of the shop's search, cart or footer; not for search engines; sign-out and the
    language switch; a way back to the shop."""
    assert 'class="header-search"' not in html and 'action="/katalogas"' not in html
    assert 'href="/krepselis"' not in html and "Krepšelis" not in html
    assert 'class="site-header"' not in html and 'class="site-footer"' not in html
    assert '<meta name="robots" content="noindex">' in html
    assert 'action="/atsijungti"' in html and "Atsijungti" in html
    switch = nav(html, "Kalba")
    assert 'hreflang="lt"' in switch and 'hreflang="en"' in switch and "?lang=en" in switch
    assert '<a href="/">Į parduotuvę</a>' in html
    assert '<main id="main"' in html and 'href="#main"' in html


@pytest.mark.parametrize(("path", "name"), WORKSPACE_PAGES.items())
def test_a_workspace_page_has_the_work_frame_with_the_community_named_once(
    client: FlaskClient, slapaberze: Community, path: str, name: str
) -> None:
    make_user(slapaberze, email="aldona@example.org", name=PERSON)
    login_as(client, "aldona@example.org")

    html = page(client, path)

    assert_work_frame(html)
    assert html.count(COMMUNITY) == 1
    assert html.count(PERSON) == 1
    workspace = nav(html, "Darbo erdvė")
    for label in WORKSPACE_PAGES.values():
        assert f">{label}</a>" in workspace
    assert current_links(workspace) == [name]
    assert '<a class="work-brand" href="/workspace/">' in html  # the brand leads to the area's first page
    assert "/backoffice/" not in html  # not staff: no way into the back office
    assert "community-switch" not in html  # one community: its name, no switcher


def test_a_member_whose_account_is_named_like_the_community_sees_the_name_once(
    client: FlaskClient, slapaberze: Community
) -> None:
    make_user(slapaberze, email="slapaberze@example.org", name=COMMUNITY)
    login_as(client, "slapaberze@example.org")
    assert page(client, "/workspace/").count(COMMUNITY) == 1


def test_a_person_of_several_communities_switches_in_the_header_and_staff_find_the_back_office(
    client: FlaskClient, slapaberze: Community
) -> None:
    other = make_community(name="Surviliškio bendruomenė")
    person = make_user(slapaberze, email="vida@example.org", name=PERSON, is_staff=True)
    make_membership(person, other)
    login_as(client, "vida@example.org")

    html = page(client, "/workspace/")

    header = html[html.index('<header class="work-header">') : html.index("</header>")]
    assert 'id="community-switch"' in header and "Dirbate bendruomenei" in header
    assert html.count(COMMUNITY) == 1 and html.count("Surviliškio bendruomenė") == 1  # the two options
    assert re.search(r'<option value="\d+" selected>', header)
    assert '<a href="/backoffice/">Administravimas</a>' in header
    assert_work_frame(html)


@pytest.mark.parametrize(("path", "name"), BACKOFFICE_PAGES.items())
def test_a_back_office_page_has_the_work_frame_with_the_staff_navigation(
    client: FlaskClient, slapaberze: Community, path: str, name: str
) -> None:
    make_user(email="vida@vvg.example.org", name="Vida Jonaitienė", is_staff=True)
    login_as(client, "vida@vvg.example.org")

    html = page(client, path)

    assert_work_frame(html)
    assert '<p class="work-area-name">VVG</p>' in html
    assert html.count("Vida Jonaitienė") == 1
    staff = nav(html, "Administravimas")
    assert [label for label in BACKOFFICE_PAGES.values() if f">{label}</a>" not in staff] == []
    assert current_links(staff) == [name]
    assert '<a class="work-brand" href="/backoffice/">' in html
    assert 'href="/workspace/"' not in html  # a member of no community: no workspace link


def test_staff_who_also_work_for_a_community_find_their_workspace_from_the_back_office(
    client: FlaskClient, slapaberze: Community
) -> None:
    make_user(slapaberze, email="vida@vvg.example.org", name="Vida Jonaitienė", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    html = page(client, "/backoffice/")
    header = html[html.index('<header class="work-header">') : html.index("</header>")]
    assert '<a href="/workspace/">Darbo erdvė</a>' in header
    assert COMMUNITY not in header  # the back office's frame is the VVG's: no community named in it


def test_the_work_frame_speaks_english_too(client: FlaskClient, slapaberze: Community) -> None:
    make_user(slapaberze, email="aldona@example.org", name=PERSON)
    login_as(client, "aldona@example.org")
    html = page(client, "/workspace/orders?lang=en")
    assert 'aria-label="Workspace"' in html and 'aria-label="Language"' in html
    assert '<a href="/">View the shop</a>' in html and "Sign out" in html
    assert current_links(nav(html, "Workspace")) == ["Orders"]


WORKSPACE_LINK = 'href="/workspace/">Darbo erdvė</a>'
BACKOFFICE_LINK = 'href="/backoffice/">Administravimas</a>'


@pytest.mark.parametrize(
    ("who", "links", "not_there"),
    [
        ("member", [WORKSPACE_LINK], ["/backoffice/"]),
        (
            "staff",
            [BACKOFFICE_LINK],
            ["/workspace/", "/backoffice/mail", "/backoffice/privacy", "/backoffice/audit"],
        ),
        ("both", [WORKSPACE_LINK, BACKOFFICE_LINK], ["/backoffice/payments"]),
    ],
)
def test_on_the_storefront_people_who_work_here_see_one_slim_line_to_their_work(
    client: FlaskClient, slapaberze: Community, who: str, links: list[str], not_there: list[str]
) -> None:
    person: User = make_user(
        slapaberze if who != "staff" else None, email="aldona@example.org", is_staff=who != "member"
    )
    login_as(client, person.email)

    html = page(client, "/")

    line = nav(html, "Jūsų darbo sritys")
    assert [link for link in links if link not in line] == []
    assert 'action="/atsijungti"' in line
    assert [path for path in not_there if path in html] == []
    assert 'class="header-search"' in html and 'href="/krepselis"' in html  # still the shop's own header
    assert 'class="site-footer"' in html
    assert "noindex" not in html


def test_a_customer_sees_no_line_for_people_who_work_here(client: FlaskClient, slapaberze: Community) -> None:
    html = page(client, "/")
    assert "Jūsų darbo sritys" not in html and "/atsijungti" not in html
    assert "/workspace/" not in html and "/backoffice/" not in html


SETTINGS_PAGES = {
    "/backoffice/settings": "VVG duomenys",
    "/backoffice/legal": "Teisiniai puslapiai",
    "/backoffice/categories": "Kategorijos",
    "/backoffice/product-types": "Gaminių tipai",
}


@pytest.mark.parametrize(("path", "name"), SETTINGS_PAGES.items())
def test_the_back_office_settings_are_one_link_with_their_pages_in_a_second_row(
    client: FlaskClient, slapaberze: Community, path: str, name: str
) -> None:
    make_user(email="vida@vvg.example.org", name="Vida Jonaitienė", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    assert 'aria-label="Nustatymai"' not in page(client, "/backoffice/")  # no second row elsewhere

    html = page(client, path)

    staff = nav(html, "Administravimas")
    assert '<a href="/backoffice/settings" aria-current="true">Nustatymai</a>' in staff
    assert current_links(staff) == []
    assert [label for label in SETTINGS_PAGES.values() if f">{label}</a>" in staff] == []
    settings = nav(html, "Nustatymai")
    assert re.findall(r'<a href="([^"]*)"', settings) == list(SETTINGS_PAGES)
    assert current_links(settings) == [name]


def test_an_edit_page_of_the_settings_marks_its_list_in_the_second_row(
    client: FlaskClient, slapaberze: Community
) -> None:
    make_user(email="vida@vvg.example.org", name="Vida Jonaitienė", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    settings = nav(page(client, "/backoffice/categories/new"), "Nustatymai")
    assert '<a href="/backoffice/categories" aria-current="true">Kategorijos</a>' in settings
