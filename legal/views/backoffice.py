"""VVG staff's pages for the legal pages: the list with each page's version in force, and publishing a new
version (staff only; each publication is audited)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from legal import pages
from legal.errors import MarkupNotAllowed, NothingChanged, PageEmpty
from legal.forms import LegalPageForm
from legal.labels import KIND_LABELS
from legal.markup import ALLOWED_TAGS, Finding
from legal.models import LegalPageKind
from shop.access import current_actor, staff_required

backoffice = Blueprint("legal_backoffice", __name__, url_prefix="/backoffice")


@backoffice.get("/legal")
@staff_required
def page_list() -> ResponseReturnValue:
    return render_template(
        "legal/backoffice/list.html", current=pages.list_current_versions(), labels=KIND_LABELS
    )


@staff_required
def edit_page(kind: str) -> ResponseReturnValue:
    wanted = LegalPageKind(kind)
    current = pages.current_version(wanted)
    if request.method == "POST":
        form = LegalPageForm()
    elif current is not None:
        form = LegalPageForm(
            data={
                "title_lt": current.title_lt,
                "title_en": current.title_en,
                "body_lt": current.body_lt,
                "body_en": current.body_en,
            }
        )
    else:
        form = LegalPageForm()
    if form.validate_on_submit():
        try:
            version = pages.publish(wanted, form.draft(), by=current_actor())
        except PageEmpty as empty:
            for name in empty.fields:
                getattr(form, name).errors.append(_("Write some words: this cannot be left empty."))
        except MarkupNotAllowed as refused:
            getattr(form, refused.field).errors.append(_describe_markup(refused.findings))
        except NothingChanged as same:
            form.form_errors.append(
                _(
                    "Nothing changed from version %(number)d, so no new version was published.",
                    number=same.number,
                )
            )
        else:
            flash(
                _(
                    "Version %(number)d of “%(title)s” is published and in force.",
                    number=version.number,
                    title=version.title_lt,
                ),
                "success",
            )
            return redirect(url_for("legal_backoffice.page_list"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "legal/backoffice/edit.html",
        form=form,
        kind=wanted,
        label=KIND_LABELS[wanted],
        current=current,
        versions=pages.list_versions(wanted),
        allowed=", ".join(f"<{tag}>" for tag in sorted(ALLOWED_TAGS)),
    ), status


def _describe_markup(findings: list[Finding]) -> str:
    """The first thing refused, in staff's words (the rest show up once it is gone)."""
    first = findings[0]
    if first.kind == "attribute":
        return str(
            _(
                "The attribute “%(what)s” is not allowed (links may have href only). "
                "Remove it and publish again.",
                what=first.what,
            )
        )
    if first.kind == "link":
        return str(
            _(
                "The link “%(what)s” is not allowed: links may lead to http(s) pages, e-mail (mailto:), "
                "phone (tel:) or a page of the shop (/…).",
                what=first.what,
            )
        )
    if first.kind == "comment":
        return str(_("HTML comments are not allowed. Remove them and publish again."))
    return str(_("The tag “%(what)s” is not allowed. Remove it and publish again.", what=first.what))


# One address per page (the kinds are fixed), so the URL map walks need no argument to fill.
for _kind in LegalPageKind:
    backoffice.add_url_rule(
        f"/legal/{_kind.value}",
        "edit_page",
        edit_page,
        defaults={"kind": _kind.value},
        methods=["GET", "POST"],
    )
