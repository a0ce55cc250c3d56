"""The shared parsers of what people type: postal codes, e-mail addresses, phone numbers, percentages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import Optional

from shop.forms import (
    EMAIL,
    POSTAL_CODE,
    normal_email,
    normal_phone,
    normal_postal_code,
    percent_text,
    phone_number,
)
from shop.text import slugify


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("LT-58001", "LT-58001"), ("lt58001", "LT-58001"), (" 58001 ", "LT-58001"), ("5800", None),
     ("LV-1001", None), ("５８００１", None), ("", None), (None, None)],
)  # fmt: skip
def test_a_postal_code_is_five_plain_digits_kept_as_lt_12345(typed: str | None, kept: str | None) -> None:
    assert normal_postal_code(typed) == kept


def test_phone_numbers_are_kept_for_machines_or_for_people() -> None:
    assert normal_phone("8 612 34567") == "+37061234567"
    assert normal_phone("+370 612 34567", spaced=True) == "+370 612 34567"
    assert normal_phone("12") is None and normal_phone(None) is None


def test_e_mail_addresses_are_checked_without_asking_the_network() -> None:
    assert normal_email("Ona@Example.org") == "Ona@example.org"
    assert normal_email("ona at example") is None
    assert normal_email("jonė@example.org") is None  # the part before @ in plain ASCII


def test_a_checked_field_keeps_its_normal_form_and_shows_what_was_typed(app: Flask) -> None:
    class Form(FlaskForm):  # type: ignore[misc]
        email = StringField(validators=[EMAIL])
        phone = StringField(validators=[phone_number(spaced=True)])
        postal_code = StringField(validators=[Optional(), POSTAL_CODE])

    with app.test_request_context("/?lang=en"):
        typed = {"email": "Ona@Example.org", "phone": "8 612 34567", "postal_code": "58001"}
        form = Form(MultiDict(typed), meta={"csrf": False})
        assert form.validate()
        assert (form.email.normal, form.phone.normal, form.postal_code.normal) == (
            "Ona@example.org",
            "+370 612 34567",
            "LT-58001",
        )
        assert {name: form[name].data for name in typed} == typed  # shown again as typed

        form = Form(
            MultiDict({"email": "ona at example", "phone": "12", "postal_code": ""}), meta={"csrf": False}
        )
        assert not form.validate()
        assert form.errors == {
            "email": ["Enter an e-mail address like vardas@example.lt."],
            "phone": ["Enter a phone number like +370 612 34567 or 8 612 34567."],
        }


@pytest.mark.parametrize(
    ("basis_points", "text"), [(1000, "10"), (1250, "12,5"), (1255, "12,55"), (1, "0,01"), (0, "0")]
)
def test_basis_points_read_back_as_the_percent_people_typed(basis_points: int, text: str) -> None:
    assert percent_text(basis_points) == text


def test_slugs_keep_lithuanian_words_readable() -> None:
    assert slugify("Šlapaberžės bendruomenė", fallback="x") == "slapaberzes-bendruomene"
    assert slugify("„“ — ", fallback="bendruomene") == "bendruomene"
    assert slugify("a" * 79 + " b", fallback="x") == "a" * 79  # never ends with a dash
