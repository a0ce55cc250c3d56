"""Reading and changing communities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from producers.models import Community, Membership
from shop import accounts, audit, outbox
from shop.db import db, transaction, utcnow
from shop.i18n import vilnius_today
from shop.models import User


def shows_products_today() -> ColumnElement[bool]:
    """SQL: the community is active and not hiding its products for its holidays (join `Community`)."""
    return and_(
        Community.is_active.is_(True),
        or_(
            Community.vacation_hides_products.is_(False),
            Community.vacation_until.is_(None),
            Community.vacation_until <= vilnius_today(),
        ),
    )


def takes_orders_today() -> ColumnElement[bool]:
    """SQL: the community is active and not on holiday: its products can be bought (join `Community`)."""
    return and_(
        Community.is_active.is_(True),
        or_(Community.vacation_until.is_(None), Community.vacation_until <= vilnius_today()),
    )


def list_active_communities() -> Sequence[Community]:
    """Communities with a shop, by name."""
    return db.session.scalars(
        select(Community).where(Community.is_active.is_(True)).order_by(Community.name)
    ).all()


def list_all_communities() -> Sequence[Community]:
    """Every community, switched-off ones too, by name: for staff, whose orders stay."""
    return db.session.scalars(select(Community).order_by(Community.name, Community.id)).all()


def get_active_community(slug: str) -> Community | None:
    """An active community by its slug, or None."""
    return db.session.scalars(
        select(Community).where(Community.slug == slug, Community.is_active.is_(True))
    ).first()


class InvitationNotPossible(Exception):
    """The invitation cannot be made; the subclass says why."""


class CommunityNotFound(InvitationNotPossible, LookupError):
    """No community has this id: the one error for it, for an invitation (`invite_member`: no *active*
    community) and for staff's pages (`producers.admin`: any community, switched off too)."""


class AccountSwitchedOff(InvitationNotPossible):
    """The address belongs to an account that was switched off: staff must decide about it first."""


@dataclass(frozen=True)
class Invitation:
    user_id: int
    community_name: str
    new_member: bool  #: False: the person already worked for the community (the mail went again)
    mail_id: int | None


def invite_member(name: str, email: str, community_id: int, by: User | None) -> Invitation:
    """Let a person work for a community, and mail them the way in.

    The account is found by its e-mail address (lower-case) or made without a password; its membership
    of the community is added if missing (a person may act for several). A person with no password yet
    gets a link to choose one, valid INVITATION_DAYS; one with a password is told to sign in as usual.
    Every call mails anew; none adds a second account or membership, even two at once.
    """
    address = email.strip().lower()
    with transaction():
        community = db.session.get(Community, community_id)
        if community is None or not community.is_active:
            raise CommunityNotFound(community_id)
        user = _user_by_email(address)
        if user is None:
            db.session.execute(
                _insert()(User)
                .values(
                    email=address,
                    name=name.strip()[:120],
                    password_hash="",  # matches no password: the account waits for its link
                    is_staff=False,
                    is_active=True,
                    created_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["email"])
            )
            user = _user_by_email(address)  # ours, or the one an invitation at the same moment made
            assert user is not None
        if not user.is_active:
            raise AccountSwitchedOff(address)
        added = db.session.execute(
            _insert()(Membership)
            .values(user_id=user.id, community_id=community.id, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["user_id", "community_id"])
            .returning(Membership.id)
        ).first()
        message = accounts.mail_password_link(
            user,
            accounts.INVITATION,
            template="auth/invitation",
            language="lt",  # communities work in Lithuanian
            with_link=not user.password_hash,  # one who has a password signs in as usual
            community=community,
            inviter=by.name if by else "",
        )
        db.session.flush()
        audit.record(
            "member.invite",
            "user",
            user.id,
            by=by,
            after={"email": address, "community": community.slug, "new_member": added is not None},
        )
        invitation = Invitation(
            user_id=user.id,
            community_name=community.name,
            new_member=added is not None,
            mail_id=message.id if message is not None else None,
        )
    outbox.send_now([message])
    return invitation


def _user_by_email(address: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == address)).first()


def _insert() -> Any:
    """INSERT … ON CONFLICT for the database in use (both speak it)."""
    return postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
