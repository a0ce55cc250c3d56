"""Users and the operator (the VVG that runs the shop)."""

from __future__ import annotations

from typing import Any

from producers.models import Community
from shop.db import db
from shop.models import Operator, User
from shop.passwords import hash_password
from tests.factories import unique
from tests.factories.producers import make_membership

_PASSWORD_HASH = hash_password("demo-password")  # hashing is slow on purpose; tests share one


def make_user(community: Community | None = None, **overrides: Any) -> User:
    """A user with password "demo-password"; a member of `community` if given."""
    n = unique()
    values: dict[str, Any] = {
        "email": f"user{n}@example.org",
        "name": f"User {n}",
        "password_hash": _PASSWORD_HASH,
    }
    user = User(**{**values, **overrides})
    db.session.add(user)
    if community is not None:
        make_membership(user, community, commit=False)
    db.session.commit()
    return user


def make_operator() -> None:
    db.session.add(
        Operator(
            name="Kėdainių rajono vietos veiklos grupė",
            registration_code="300619429",
            address="Pirmūnų g. 13A, 57214 Kėdainiai",
            email="info@vvg.example.org",
            phone="+370 347 51234",
            iban="LT207300010112345678",
        )
    )
    db.session.commit()
