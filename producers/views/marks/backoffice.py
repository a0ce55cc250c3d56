"""Staff's pages for the mark: applications to review and the grants, one application with its answers and
evidence and the review's forms, a grant's suspension or revocation, and the criteria's draft."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from producers.marks import criteria, reviewing
from producers.marks.criteria import CriterionText
from producers.marks.errors import (
    ActionNotAllowed,
    ApplicationNotFound,
    DraftEmpty,
    EvidenceNotFound,
    GrantNotFound,
)
from producers.marks.forms import (
    MAX_CRITERIA,
    AskMoreForm,
    CriteriaForm,
    GrantChangeForm,
    GrantForm,
    RefuseForm,
    default_valid_until,
)
from producers.marks.models import APPLICATION_LABELS, GRANT_LABELS, MarkApplication
from producers.views.backoffice import backoffice
from producers.views.marks.workspace import evidence_response
from shop.access import staff_required
from shop.db import utcnow
from shop.forms import ActionForm

ID = "int(max=2147483647)"


@backoffice.get("/zenklas")
@staff_required
def mark_applications() -> ResponseReturnValue:
    now = utcnow()
    return render_template(
        "producers/backoffice/marks.html",
        applications=reviewing.list_for_review(),
        grants=reviewing.list_grants(),
        labels=APPLICATION_LABELS,
        grant_labels=GRANT_LABELS,
        now=now,
        version=criteria.published_version(),
        draft=criteria.draft_version(),
    )


def _review_page(
    application: MarkApplication,
    *,
    ask: AskMoreForm | None = None,
    grant: GrantForm | None = None,
    refuse: RefuseForm | None = None,
    change: GrantChangeForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    months = current_app.config["MARK_VALIDITY_MONTHS"]
    return render_template(
        "producers/backoffice/mark_application.html",
        application=application,
        made=reviewing.grant_of(application),
        labels=APPLICATION_LABELS,
        grant_labels=GRANT_LABELS,
        ask=ask or AskMoreForm(formdata=None),
        grant_form=grant or GrantForm(formdata=None, data={"valid_until": default_valid_until(months)}),
        refuse=refuse or RefuseForm(formdata=None),
        change=change or GrantChangeForm(formdata=None),
        now=utcnow(),
    ), status


def _application_or_404(application_id: int) -> MarkApplication:
    try:
        return reviewing.get_application(application_id)
    except ApplicationNotFound:
        abort(404)


@backoffice.get(f"/zenklas/paraiskos/<{ID}:application_id>")
@staff_required
def mark_review(application_id: int) -> ResponseReturnValue:
    return _review_page(_application_or_404(application_id))


def _not_allowed(application_id: int) -> ResponseReturnValue:
    flash(_("The application has changed meanwhile: nothing was done. Check it again."), "error")
    return redirect(url_for("producers_backoffice.mark_review", application_id=application_id)), 303


@backoffice.post(f"/zenklas/paraiskos/<{ID}:application_id>/prasyti")
@staff_required
def mark_ask_more(application_id: int) -> ResponseReturnValue:
    application = _application_or_404(application_id)
    form = AskMoreForm()
    if not form.validate_on_submit():
        return _review_page(application, ask=form, status=400)
    try:
        reviewing.ask_for_more(application.id, form.request.data, by=current_user)
    except ActionNotAllowed:
        return _not_allowed(application.id)
    flash(_("The community is asked for more and has been mailed."), "success")
    return redirect(url_for("producers_backoffice.mark_review", application_id=application.id))


@backoffice.post(f"/zenklas/paraiskos/<{ID}:application_id>/suteikti")
@staff_required
def mark_grant(application_id: int) -> ResponseReturnValue:
    application = _application_or_404(application_id)
    form = GrantForm()
    last_day = form.valid_until.data if form.validate_on_submit() else None
    if last_day is None:
        return _review_page(application, grant=form, status=400)
    until = reviewing.valid_through(last_day)
    try:
        reviewing.grant(application.id, valid_from=utcnow(), valid_until=until, by=current_user)
    except ActionNotAllowed:
        return _not_allowed(application.id)
    flash(_("The mark is granted; the community has been mailed."), "success")
    return redirect(url_for("producers_backoffice.mark_review", application_id=application.id))


@backoffice.post(f"/zenklas/paraiskos/<{ID}:application_id>/atmesti")
@staff_required
def mark_refuse(application_id: int) -> ResponseReturnValue:
    application = _application_or_404(application_id)
    form = RefuseForm()
    if not form.validate_on_submit():
        return _review_page(application, refuse=form, status=400)
    try:
        reviewing.refuse(application.id, form.reasons.data, by=current_user)
    except ActionNotAllowed:
        return _not_allowed(application.id)
    flash(_("The application is refused; the community has been mailed the reasons."), "success")
    return redirect(url_for("producers_backoffice.mark_review", application_id=application.id))


@backoffice.post(f"/zenklas/suteikimai/<{ID}:grant_id>")
@staff_required
def mark_grant_change(grant_id: int) -> ResponseReturnValue:
    try:
        found = reviewing.get_grant(grant_id)
    except GrantNotFound:
        abort(404)
    form = GrantChangeForm()
    if not form.validate_on_submit():
        return _review_page(found.application, change=form, status=400)
    try:
        reviewing.change_grant(found.id, form.action.data, form.reason.data, by=current_user)
    except GrantNotFound:
        abort(404)
    except ActionNotAllowed:
        return _not_allowed(found.application_id)
    flash(_("Done; the community has been mailed and the register shows it."), "success")
    return redirect(url_for("producers_backoffice.mark_review", application_id=found.application_id))


@backoffice.get(f"/zenklas/irodymai/<{ID}:evidence_id>")
@staff_required
def mark_evidence_file(evidence_id: int) -> ResponseReturnValue:
    try:
        item = reviewing.get_evidence(evidence_id)
    except EvidenceNotFound:
        abort(404)
    return evidence_response(item)


@backoffice.route("/zenklas/kriterijai", methods=["GET", "POST"])
@staff_required
def mark_criteria() -> ResponseReturnValue:
    if request.method == "POST":
        form = CriteriaForm()
        if form.validate_on_submit():
            fields = ("text_lt", "text_en", "evidence_lt", "evidence_en")
            texts = [CriterionText(**{k: row[k] for k in fields}) for row in form.filled()]
            criteria.save_draft(texts, by=current_user)
            flash(_("The draft is saved. Publish it when it is ready."), "success")
            return redirect(url_for("producers_backoffice.mark_criteria"))
        status = 400
    else:
        rows = [vars(text) for text in criteria.draft_texts()]
        form = CriteriaForm(formdata=None, data={"criteria": rows})
        status = 200
    while len(form.criteria.entries) < MAX_CRITERIA and (
        not form.criteria.entries or form.criteria.entries[-1].form.text_lt.data
    ):
        form.criteria.append_entry()  # one empty row to add a criterion
    return render_template(
        "producers/backoffice/mark_criteria.html",
        form=form,
        publish=ActionForm(),
        draft=criteria.draft_version(),
        versions=criteria.list_published(),
    ), status


@backoffice.post("/zenklas/kriterijai/skelbti")
@staff_required
def mark_criteria_publish() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        version = criteria.publish_draft(by=current_user)
    except DraftEmpty:
        flash(_("There is no draft with criteria to publish: save one first."), "error")
        return redirect(url_for("producers_backoffice.mark_criteria"))
    flash(
        _(
            "Version %(number)d of the criteria is published: new applications answer it.",
            number=version.number,
        ),
        "success",
    )
    return redirect(url_for("producers_backoffice.mark_criteria"))
