"""The legal pages as customers read them: the version in force at its stable address, and every earlier
version at /<slug>/v<N> (an order links the version of the terms its customer accepted)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from legal import pages
from legal.errors import VersionNotFound
from legal.models import SLUGS, LegalPageKind, LegalPageVersion

storefront = Blueprint("legal_storefront", __name__)

NUMBER = "int(min=1, max=2147483647)"


def page(kind: str) -> ResponseReturnValue:
    """The version in force (404 while the page has none)."""
    wanted = LegalPageKind(kind)
    version = pages.current_version(wanted)
    if version is None:
        abort(404)
    return _render(version)


def version_page(kind: str, number: int) -> ResponseReturnValue:
    """An earlier (or the current) version, as it was published."""
    wanted = LegalPageKind(kind)
    try:
        version = pages.get_version(wanted, number)
    except VersionNotFound:
        abort(404)
    return _render(version)


def _render(version: LegalPageVersion) -> ResponseReturnValue:
    versions = pages.list_versions(version.kind)  # the newest, in force, first
    return render_template(
        "legal/storefront/page.html", version=version, current=versions[0], versions=versions
    )


# One address per page, Lithuanian and stable (the terms' and the privacy notice's are those they always
# had); `url_for("legal_storefront.page", kind="terms")` finds it by the rule's default.
for _kind, _slug in SLUGS.items():
    storefront.add_url_rule(f"/{_slug}", "page", page, defaults={"kind": _kind.value}, methods=["GET"])
    storefront.add_url_rule(
        f"/{_slug}/v<{NUMBER}:number>",
        "version",
        version_page,
        defaults={"kind": _kind.value},
        methods=["GET"],
    )
