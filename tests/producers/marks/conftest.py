"""A community with a member and a listing, another community, a member of staff and the criteria in force."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from catalogue.models import Product
from producers.marks import evidence
from producers.marks.models import CriteriaVersion
from producers.models import Community
from shop.media import MediaStorage
from shop.models import User
from tests.factories.catalogue import make_product, make_variant
from tests.factories.marks import make_criteria
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user


@dataclass
class Mark:
    community: Community
    member: User
    other: Community
    other_member: User
    staff: User
    version: CriteriaVersion
    product: Product


@pytest.fixture
def mark(app: Flask) -> Mark:
    make_operator()
    community = make_community(slug="pagiriai", name="Pagirių bendruomenė", email="pagiriai-info@example.org")
    other = make_community(slug="krakes", name="Krakių bendruomenė")
    return Mark(
        community=community,
        member=make_user(community, email="pagiriai@example.org"),
        other=other,
        other_member=make_user(other, email="krakes@example.org"),
        staff=make_user(email="vida@vvg.example.org", is_staff=True),
        version=make_criteria(),
        product=make_product(community, name_lt="Angelas iš šiaudų", variants=[make_variant(stock=2)]),
    )


def stored_files(mark: Mark) -> set[str]:
    """The evidence files in the media storage (the folder or a bucket: `media_storage`)."""
    return set(MediaStorage.from_app().names(evidence.AREA))
