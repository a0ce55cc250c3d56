"""Who works for a community: its members for staff to see and remove, and the VVG's invitations (a new
or existing account, a membership, a mailed link to choose a password)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from producers.communities import _locked
from producers.errors import AccountSwitchedOff, CommunityNotFound, MembershipNotFound
from producers.models import (
    Community,
    Membership,
)
from shop import accounts, audit, outbox, sign_ins
from shop.db import db, transaction, utcnow
from shop.models import User


@dataclass(frozen=True)
class Member:
    """A person working for a community, as staff see them."""

    membership_id: int
    user_id: int
    name: str
    email: str
    since: datetime
    last_signed_in_at: datetime | None
    has_password: bool  #: False: invited, the link not used yet
    is_active: bool  #: False: the account is switched off

    @property
    def state(self) -> str:
        """One of "active", "invited" (no password chosen yet) and "switched_off"."""
        if not self.is_active:
            return "switched_off"
        return "active" if self.has_password else "invited"


def list_members(community_id: int) -> list[Member]:
    """The people working for a community, by name."""
    rows = db.session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id == community_id)
        .order_by(User.name, User.id)
    ).all()
    return [_member(membership, user) for membership, user in rows]


def get_member(community_id: int, membership_id: int) -> Member:
    """One membership of this community, or MembershipNotFound."""
    row = db.session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.id == membership_id, Membership.community_id == community_id)
    ).first()
    if row is None:
        raise MembershipNotFound(membership_id)
    return _member(*row)


def remove_member(community_id: int, membership_id: int, *, by: User | None) -> Member:
    """The person no longer works for the community (their account stays: they may work for others).

    Every sign-in of theirs ends: a browser left signed in cannot keep working for the community.
    """
    with transaction():
        community = _locked(community_id)
        member = get_member(community_id, membership_id)
        db.session.delete(db.session.get_one(Membership, membership_id))
        ended = sign_ins.end_all(member.user_id)
        audit.record(
            "member.remove",
            "user",
            member.user_id,
            by=by,
            before={"email": member.email, "community": community.slug},
            after={"sign_ins_ended": ended},
        )
    return member


def _member(membership: Membership, user: User) -> Member:
    return Member(
        membership_id=membership.id,
        user_id=user.id,
        name=user.name,
        email=user.email,
        since=membership.created_at,
        last_signed_in_at=user.last_signed_in_at,
        has_password=bool(user.password_hash),
        is_active=user.is_active,
    )


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
