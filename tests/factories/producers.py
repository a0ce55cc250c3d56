"""Communities, their members and their shipping options."""

from __future__ import annotations

from typing import Any

from producers.models import Community, DeliveryMethod, Locker, Membership, ShippingOption
from shop.db import db
from shop.models import User
from tests.factories import unique


def standard_shipping_options() -> list[ShippingOption]:
    """Pickup at the community for free, Omniva lockers for 2,99 €, a courier for 5,99 €."""
    return [
        ShippingOption(
            method=DeliveryMethod.PICKUP, fee_cents=0, pickup_address="Liepų g. 1, Kaimas", position=0
        ),
        ShippingOption(method=DeliveryMethod.OMNIVA, fee_cents=299, position=1),
        ShippingOption(method=DeliveryMethod.COURIER, fee_cents=599, position=2),
    ]


def make_community(**overrides: Any) -> Community:
    n = unique()
    values: dict[str, Any] = {
        "slug": f"community-{n}",
        "name": f"Bendruomenė {n}",
        "legal_name": f"Asociacija „Bendruomenė {n}“",
        "registration_code": f"30{n:07d}",
        "district": "Kėdainių r. sav.",
        "address_line": f"Mokyklos g. {n}, Kaimas",  # not the pickup place's "Liepų g. 1, Kaimas"
        "postal_code": "LT-58001",
        "city": "Kaimas",
        "email": f"info{n}@example.org",
        "phone": "+370 600 00000",
        "story_lt": "Mūsų bendruomenė kuria rankų darbo atvirukus.",
        "story_en": "Our community makes handmade cards.",
    }
    community = Community(**{**values, **overrides})
    community.shipping_options = standard_shipping_options()
    db.session.add(community)
    db.session.commit()
    return community


def make_membership(user: User, community: Community, *, commit: bool = True) -> Membership:
    """`user` becomes a member of `community` (`tests.factories.shop.make_user(community)` does it too)."""
    membership = Membership(user=user, community=community)
    db.session.add(membership)
    if commit:
        db.session.commit()
    return membership


def make_locker(carrier: DeliveryMethod = DeliveryMethod.OMNIVA, **overrides: Any) -> Locker:
    """An active parcel locker of `carrier` in Kėdainiai (the carrier's id unique per call)."""
    n = unique()
    values: dict[str, Any] = {
        "carrier_locker_id": f"{90000 + n}",
        "name": f"Kėdainių paštomatas Nr. {n}",
        "address": f"J. Basanavičiaus g. {n}",
        "town": "Kėdainiai",
        "postal_code": "57001",
        "latitude": 55.2883,
        "longitude": 23.9735,
    }
    locker = Locker(carrier=carrier, **{**values, **overrides})
    db.session.add(locker)
    db.session.commit()
    return locker
