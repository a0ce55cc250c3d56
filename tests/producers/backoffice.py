"""What the back-office community tests share: a valid community form, a page's text, a form posted with
its token, and the audit log's entries of an action.
"""

from __future__ import annotations

import html
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from shop.db import db
from shop.models import AuditEntry
from tests.conftest import csrf_token

#: The community form as staff fill it in, typed loosely (the form tidies it).
VALID = {
    "name": "Pelėdnagių bendruomenė",
    "slug": "",
    "legal_name": "Asociacija „Pelėdnagių bendruomenė“",
    "registration_code": "302173840",
    "district": "Kėdainių r. sav.",
    "address_line": "Mokyklos g. 3",
    "postal_code": "58001",
    "city": "Pelėdnagiai",
    "email": "Info@PeledNagiai.example.org",
    "phone": "8 612 34567",
    "commission": "12,5",
    "iban": "lt12 1000 0111 0100 1000",
    "stripe_account_id": "",
}


def page_text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_form(client: FlaskClient, url: str, **fields: str) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client, url), **fields})


def audit_entries(action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )
