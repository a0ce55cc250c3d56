"""How the mark's pages word what went wrong with a file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVIDENCE_PROBLEMS = {
    "too_large": _l("it is larger than the limit"),
    "empty": _l("the file is empty"),
    "not_accepted": _l("only PDF documents and JPEG, PNG or WebP photos are accepted, and this is neither"),
    "name_mismatch": _l("its name says one kind of file but its content is another"),
    "too_many": _l("the application already holds as many files as it may"),
}
