"""The legal pages' tests: a shop with its operator, its five pages (version 1, as migrated), a community
member and a member of staff."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories.legal import make_legal_pages
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user


@pytest.fixture
def legal_shop(app: object) -> dict[str, Any]:
    make_operator()
    community = make_community(slug="krakes", name="Krakių bendruomenės centras")
    return {
        "pages": make_legal_pages(),
        "member": make_user(community, email="krakes@example.org", name="Krakės"),
        "staff": make_user(email="vida@vvg.example.org", name="Vida", is_staff=True),
    }
