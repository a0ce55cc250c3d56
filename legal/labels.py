"""What each legal page is called where no version names it (footers, the back office's list)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from legal.models import LegalPageKind

KIND_LABELS = {
    LegalPageKind.TERMS: _l("Terms of sale"),
    LegalPageKind.PRIVACY: _l("Privacy notice"),
    LegalPageKind.DELIVERY_RETURNS: _l("Delivery and returns"),
    LegalPageKind.WITHDRAWAL_FORM: _l("Withdrawal form"),
    LegalPageKind.ABOUT_OPERATOR: _l("About the VVG"),
}
