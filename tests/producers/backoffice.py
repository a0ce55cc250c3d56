"""What the back-office community tests share: a page's text, a form posted with its token, and the
audit log's entries of an action.
"""

from __future__ import annotations

import html
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from shop.db import db
from shop.models import AuditEntry
from tests.conftest import csrf_token


def page_text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_form(client: FlaskClient, url: str, **fields: str) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client, url), **fields})


def audit_entries(action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )
