"""The workspace's parcel forms: sending a parcel (carrier and tracking number) and cancelling one."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from orders import fulfilments
from orders.labels import CARRIER_LABELS
from orders.models import (
    Carrier,
    Fulfilment,
)
from shop.forms import IdField, at_most


class ShipForm(FlaskForm):  # type: ignore[misc]
    next = StringField()
    carrier = SelectField(_l("How it goes"), validate_choice=False)
    tracking_number = StringField(_l("Tracking number"), validators=[at_most(80)])

    def __init__(self, fulfilment: Fulfilment, *args: object, **kwargs: object) -> None:
        usual = fulfilments.usual_carrier(fulfilment.delivery_method)
        if usual is not None:
            kwargs.setdefault("carrier", usual.value)
        super().__init__(*args, **kwargs)
        allowed = fulfilments.carriers_for(fulfilment.delivery_method)
        self.allowed = allowed
        choices = [(c.value, str(CARRIER_LABELS[c])) for c in allowed]
        self.carrier.choices = choices if usual is not None else [("", _("Choose…")), *choices]

    def chosen_carrier(self) -> Carrier | None:
        try:
            carrier = Carrier(self.carrier.data or "")
        except ValueError:
            return None
        return carrier if carrier in self.allowed else None

    def validate(self, extra_validators: object = None) -> bool:
        valid: bool = super().validate(extra_validators)
        carrier = self.chosen_carrier()
        if carrier is None:
            self.carrier.errors = [*self.carrier.errors, _("Choose how the parcel goes.")]
            return False
        if carrier.needs_tracking_number and not (self.tracking_number.data or "").strip():
            self.tracking_number.errors = [
                *self.tracking_number.errors,
                _("Type the tracking number from the parcel's label: the customer follows it with that."),
            ]
            return False
        return valid


class CancelForm(FlaskForm):  # type: ignore[misc]
    reason = TextAreaField(
        _l("Why can you not send it?"),
        validators=[DataRequired(_l("Write the reason: the customer will read it.")), at_most(500)],
    )


class ReturnReceivedForm(FlaskForm):  # type: ignore[misc]
    """The withdrawn lines of one withdrawal (`withdrawal`, a hidden id) came back."""

    withdrawal = IdField()
