"""A community's application for the mark: its overview, answering and attaching, submitting, and its own
evidence files."""

from __future__ import annotations

import io

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from producers.access import current_community, member_required
from producers.marks import applying
from producers.marks import evidence as files
from producers.marks.errors import (
    AnswersMissing,
    ApplicationClosed,
    ApplicationNotFound,
    ApplicationOpen,
    EvidenceNotFound,
    EvidenceRejected,
    NoCriteriaPublished,
)
from producers.marks.forms import ApplicationForm
from producers.marks.models import APPLICATION_LABELS, MarkApplication, MarkEvidence
from producers.marks.register import current_grant
from producers.views.marks.words import EVIDENCE_PROBLEMS
from producers.views.workspace import workspace
from shop.forms import ActionForm
from shop.media import MediaNotFound, MediaUnavailable

ID = "int(max=2147483647)"


@workspace.get("/zenklas")
@member_required
def mark_overview() -> ResponseReturnValue:
    community = current_community()
    return render_template(
        "producers/workspace/mark.html",
        applications=applying.list_applications(community),
        grant=current_grant(community.id),
        labels=APPLICATION_LABELS,
        form=ActionForm(),
    )


@workspace.post("/zenklas/paraiska")
@member_required
def mark_start() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        application = applying.start_application(current_community(), by=current_user)
    except ApplicationOpen as open_one:
        flash(_("Your community already has an application under way: carry on with it."), "info")
        return redirect(
            url_for("producers_workspace.mark_application", application_id=open_one.application_id)
        )
    except NoCriteriaPublished:
        flash(_("The VVG has not published the criteria yet: applications open once it has."), "error")
        return redirect(url_for("producers_workspace.mark_overview"))
    return redirect(url_for("producers_workspace.mark_application", application_id=application.id))


def _application_page(
    application: MarkApplication, form: ApplicationForm, status: int
) -> ResponseReturnValue:
    return render_template(
        "producers/workspace/mark_application.html",
        application=application,
        form=form,
        labels=APPLICATION_LABELS,
        max_megabytes=files.max_bytes() // (1024 * 1024),
        delete_form=ActionForm(),
    ), status


@workspace.route(f"/zenklas/paraiskos/<{ID}:application_id>", methods=["GET", "POST"])
@member_required
def mark_application(application_id: int) -> ResponseReturnValue:
    community = current_community()
    try:
        application = applying.get_own_application(community, application_id)
    except ApplicationNotFound:
        abort(404)
    criteria = application.version.criteria
    if request.method == "GET":
        data = {f"answer_{c.id}": application.answer_to(c.id) for c in criteria}
        return _application_page(application, ApplicationForm.for_criteria(criteria, data=data), 200)
    form = ApplicationForm.for_criteria(criteria)
    if not application.is_editable:
        flash(_("This application can no longer be changed: nothing was saved."), "error")
        return redirect(url_for("producers_workspace.mark_application", application_id=application.id)), 303
    if not form.validate_on_submit():
        return _application_page(application, form, 400)
    uploads = [
        applying.Upload(c.id, upload.filename or "", upload.read())
        for c in criteria
        for upload in request.files.getlist(f"evidence_{c.id}")
        if upload.filename
    ]
    submit = request.form.get("submit_application") == "1"
    try:
        applying.save_application(
            community, application.id, form.answers(), uploads, submit=submit, by=current_user
        )
    except ApplicationClosed:
        flash(_("This application can no longer be changed: nothing was saved."), "error")
        return redirect(url_for("producers_workspace.mark_application", application_id=application.id)), 303
    except MediaUnavailable:
        form.form_errors.append(
            _("The file storage did not answer: nothing was saved. Try again in a few minutes.")
        )
        return _application_page(application, form, 503)
    except EvidenceRejected as rejected:
        form.files_error = (
            rejected.criterion_id,
            _(
                "“%(name)s” was not attached: %(why)s. Nothing was saved: attach the files again.",
                name=rejected.filename[:80],
                why=EVIDENCE_PROBLEMS[rejected.problem],
            ),
        )
        return _application_page(application, form, 400)
    except AnswersMissing as missing:
        for criterion_id in missing.criterion_ids:
            form.answer(next(c for c in criteria if c.id == criterion_id)).errors = [
                _("Answer this before you submit.")
            ]
        form.form_errors.append(
            _(
                "Your answers and files are saved, but every criterion needs an answer before the "
                "application can be submitted."
            )
        )
        return _application_page(applying.get_own_application(community, application.id), form, 400)
    if submit:
        flash(_("Your application is submitted: the VVG will review it and write to you."), "success")
        return redirect(url_for("producers_workspace.mark_overview"))
    flash(_("Your answers and files are saved."), "success")
    return redirect(url_for("producers_workspace.mark_application", application_id=application.id))


@workspace.post(f"/zenklas/irodymai/<{ID}:evidence_id>/salinti")
@member_required
def mark_evidence_delete(evidence_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    community = current_community()
    try:
        item = applying.get_evidence_for_community([community.id], evidence_id)
        application_id = item.application_id
        applying.delete_evidence(community, evidence_id, by=current_user)
    except EvidenceNotFound:
        abort(404)
    except ApplicationClosed:
        flash(_("This application can no longer be changed: nothing was saved."), "error")
    else:
        flash(_("The file was removed."), "success")
    return redirect(url_for("producers_workspace.mark_application", application_id=application_id))


@workspace.get(f"/zenklas/irodymai/<{ID}:evidence_id>")
@member_required
def mark_evidence(evidence_id: int) -> ResponseReturnValue:
    """An evidence file of one of the member's communities (any other: not found)."""
    try:
        item = applying.get_evidence_for_community([c.id for c in g.communities], evidence_id)
    except EvidenceNotFound:
        abort(404)
    return evidence_response(item)


def evidence_response(item: MarkEvidence) -> ResponseReturnValue:
    """The file as stored, typed by what its content is, never sniffed, never cached by others."""
    try:
        data = files.read(item.stored_name)
    except MediaNotFound:
        abort(404)
    except MediaUnavailable:
        abort(503)
    response = send_file(
        io.BytesIO(data),
        mimetype=item.content_type,
        as_attachment=not item.is_image,
        download_name=item.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
