"""The bank's file: a SEPA credit transfer (pain.001.001.03) paying each approved bank statement, on a
Lithuanian business day."""

from __future__ import annotations

import secrets
import string
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from anyascii import anyascii
from flask import current_app

from orders.errors import MessageIdNotValid, NothingToPayByBank, OperatorIbanNotValid
from orders.payouts.exports import period_label
from orders.payouts.models import Payout, PayoutMethod, PayoutStatus
from orders.payouts.period import Period
from orders.payouts.statements import list_payouts
from producers.iban import normalise_iban
from shop import audit
from shop.db import transaction, utcnow
from shop.i18n import N_, VILNIUS
from shop.models import Operator, User
from shop.money import decimal_text

PAIN_001_001_03 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"

#: The SEPA basic Latin character set (EPC217-08), the one every SEPA bank must accept in names and
#: remittance text; some refuse or garble anything else (Lithuanian letters, „“ quotes, dashes).
BASIC_LATIN = frozenset(string.ascii_letters + string.digits + "/-?:().,'+ ")


@dataclass(frozen=True)
class SkippedPayout:
    """A statement left out of the bank file, and why (an English msgid for staff)."""

    payout: Payout
    reason: str


@dataclass(frozen=True)
class SepaFile:
    """A pain.001.001.03 credit transfer file, the statements in it, and those left out."""

    xml: bytes
    included: list[Payout]
    skipped: list[SkippedPayout]

    @property
    def total_cents(self) -> int:
        return sum(payout.amount_cents for payout in self.included)


def bank_file_plan(payouts: Sequence[Payout]) -> tuple[list[tuple[Payout, str]], list[SkippedPayout]]:
    """Which statements a bank file would pay (each with its community's IBAN, normalised) and which it
    leaves out, with the reason (an English msgid): not approved (or already paid), paid through Stripe,
    nothing to pay, or the community's IBAN missing or not valid."""
    included: list[tuple[Payout, str]] = []
    skipped: list[SkippedPayout] = []
    for payout in payouts:
        reason = ""
        if payout.status is not PayoutStatus.APPROVED:
            reason = N_("The payout is not approved, or already paid.")
        elif payout.method is not PayoutMethod.BANK:
            reason = N_("The payout is paid through Stripe.")
        elif payout.amount_cents <= 0:
            reason = N_("The payout has nothing to pay.")
        else:
            try:
                included.append((payout, normalise_iban(payout.community.iban)))
            except ValueError:
                reason = N_("The community has no valid IBAN.")
        if reason:
            skipped.append(SkippedPayout(payout, reason))
    return included, skipped


def next_business_day(day: date) -> date:
    """The first banking day after `day`: not a weekend, a Lithuanian public holiday, nor a day the euro
    payment system (TARGET2) is closed. The default execution date of a bank file."""
    day += timedelta(days=1)
    while day.weekday() >= 5 or day in _bank_holidays(day.year):
        day += timedelta(days=1)
    return day


def _easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _bank_holidays(year: int) -> set[date]:
    """Lithuanian public holidays (those always on a Sunday need no listing) and TARGET2's closing days."""
    fixed = [(1, 1), (2, 16), (3, 11), (5, 1), (6, 24), (7, 6), (8, 15), (11, 1), (11, 2), (12, 24)]
    fixed += [(12, 25), (12, 26)]
    easter = _easter(year)
    return {date(year, month, day) for month, day in fixed} | {
        easter - timedelta(days=2),  # Good Friday: TARGET2 closed
        easter + timedelta(days=1),  # Easter Monday
    }


def bank_file_message_id(period_start: date, period_end: date, now: datetime) -> str:
    """A new message id for a bank file: `KM-2027-03-20270402093015-7f` for a calendar month,
    `KM-270301-270315-20270402093015-7f` for other days; the time in Vilnius and a random tail keep two
    files apart (banks refuse a message id they have seen), and it stays within SEPA's 35 characters."""
    period = Period(period_start, period_end)
    days = f"{period.start:%Y-%m}" if period.is_month else f"{period.start:%y%m%d}-{period.last:%y%m%d}"
    return f"KM-{days}-{now.astimezone(VILNIUS):%Y%m%d%H%M%S}-{secrets.token_hex(1)}"


def export_bank_file(
    period_start: date, period_end: date, *, operator: Operator | None, execution_date: date, by: User | None
) -> SepaFile:
    """The bank file of the period's approved bank statements (`sepa_pain001`) under a new message id;
    which statements went into which file is written to the audit log, so a bank statement line can be
    traced back. Raises what `sepa_pain001` raises (OperatorIbanNotValid also with no operator at all)."""
    if operator is None:
        raise OperatorIbanNotValid(None)
    message_id = bank_file_message_id(period_start, period_end, utcnow())
    sepa = sepa_pain001(
        list_payouts(period_start, period_end),
        operator=operator,
        execution_date=execution_date,
        message_id=message_id,
        basic_latin=current_app.config["SEPA_BASIC_LATIN"],
    )
    with transaction():
        audit.record(
            "payout.bank_file",
            "period",
            f"{period_start.isoformat()}/{period_end.isoformat()}",
            by=by,
            after={
                "message_id": message_id,
                "execution_date": execution_date,
                "payouts": [payout.id for payout in sepa.included],
                "amount_cents": sepa.total_cents,
            },
        )
    return sepa


def sepa_pain001(
    payouts: Sequence[Payout],
    *,
    operator: Operator,
    execution_date: date,
    message_id: str,
    basic_latin: bool = True,
) -> SepaFile:
    """The bank file that pays these statements from the VVG's account: ISO 20022 pain.001.001.03 (SEPA).

    One credit transfer per **approved bank** statement with something to pay, to the community's IBAN,
    named by its legal name, with "Kaimo mugė išmoka <period>" as the remittance text and
    `KM-PAYOUT-<id>` as the end-to-end id (it comes back on the bank statement). Every other statement
    is left out and listed in `skipped` with the reason: not approved (or already paid), paid through
    Stripe, nothing to pay, or the community's IBAN missing or not valid. Upload the file at the bank,
    then mark each included statement paid (`mark_payout_paid`). With `basic_latin` (the setting
    SEPA_BASIC_LATIN, on by default) names and remittance text are written in the SEPA basic Latin set
    (`to_basic_latin`); without it, as typed (UTF-8, which most Lithuanian banks take).

    Raises MessageIdNotValid (it must be unique per file, 1–35 characters), OperatorIbanNotValid, and
    NothingToPayByBank when no statement can go into the file (a file needs at least one transfer).
    """
    message_id = message_id.strip()
    if not 1 <= len(message_id) <= 35:
        raise MessageIdNotValid(message_id)
    try:
        debtor_iban = normalise_iban(operator.iban)
    except ValueError as error:
        raise OperatorIbanNotValid(operator.iban) from error
    included, skipped = bank_file_plan(payouts)
    if not included:
        raise NothingToPayByBank([s.payout.id for s in skipped])
    count = str(len(included))
    total = decimal_text(sum(payout.amount_cents for payout, _iban in included), ".")

    ET.register_namespace("", PAIN_001_001_03)

    def free_text(text: str, limit: int) -> str:
        """A name (70 characters) or remittance text (140) as SEPA takes it: one line, within its limit."""
        return " ".join((to_basic_latin(text) if basic_latin else text).split())[:limit]

    def el(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        child = ET.SubElement(parent, f"{{{PAIN_001_001_03}}}{tag}", attributes)
        if text is not None:
            child.text = text
        return child

    def path(parent: ET.Element, tags: str, text: str) -> ET.Element:
        *outer, last = tags.split("/")
        for tag in outer:
            parent = el(parent, tag)
        return el(parent, last, text)

    document = ET.Element(f"{{{PAIN_001_001_03}}}Document")
    initiation = el(document, "CstmrCdtTrfInitn")
    header = el(initiation, "GrpHdr")
    el(header, "MsgId", message_id)
    el(header, "CreDtTm", utcnow().astimezone(VILNIUS).replace(microsecond=0, tzinfo=None).isoformat())
    el(header, "NbOfTxs", count)
    el(header, "CtrlSum", total)
    path(header, "InitgPty/Nm", free_text(operator.name, 70))

    batch = el(initiation, "PmtInf")
    el(batch, "PmtInfId", message_id)
    el(batch, "PmtMtd", "TRF")
    el(batch, "BtchBookg", "false")  # one entry per community on the VVG's statement: easy to match
    el(batch, "NbOfTxs", count)
    el(batch, "CtrlSum", total)
    path(batch, "PmtTpInf/SvcLvl/Cd", "SEPA")
    el(batch, "ReqdExctnDt", execution_date.isoformat())
    path(batch, "Dbtr/Nm", free_text(operator.name, 70))
    path(batch, "DbtrAcct/Id/IBAN", debtor_iban)
    path(batch, "DbtrAgt/FinInstnId/Othr/Id", "NOTPROVIDED")
    el(batch, "ChrgBr", "SLEV")
    for payout, iban in included:
        transfer = el(batch, "CdtTrfTxInf")
        path(transfer, "PmtId/EndToEndId", f"KM-PAYOUT-{payout.id}")
        el(el(transfer, "Amt"), "InstdAmt", decimal_text(payout.amount_cents, "."), Ccy="EUR")
        path(transfer, "Cdtr/Nm", free_text(payout.community.legal_name or payout.community.name, 70))
        path(transfer, "CdtrAcct/Id/IBAN", iban)
        path(transfer, "RmtInf/Ustrd", free_text(f"Kaimo mugė išmoka {period_label(payout)}", 140))
    xml = ET.tostring(document, encoding="UTF-8", xml_declaration=True)
    return SepaFile(xml=xml, included=[payout for payout, _iban in included], skipped=skipped)


def to_basic_latin(text: str) -> str:
    """`text` in the SEPA basic Latin set: letters lose their marks (`Š`→`S`, `ė`→`e`), quotes become
    apostrophes (`„“`→`'`), dashes hyphens, `&` a plus; what has no likeness in it becomes a space."""
    plain = anyascii(text).replace('"', "'").replace("&", "+")
    return "".join(character if character in BASIC_LATIN else " " for character in plain)
