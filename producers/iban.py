"""Bank account numbers (IBAN) of communities and the VVG, checked before money is sent to them."""

from __future__ import annotations

from schwifty import IBAN
from schwifty.exceptions import (
    InvalidAccountCode,
    InvalidBankCode,
    InvalidBBANChecksum,
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    InvalidStructure,
    SchwiftyException,
)

from shop.i18n import N_

_REASONS: list[tuple[type[SchwiftyException], str]] = [
    (InvalidChecksumDigits, N_("the check digits do not match: a digit is mistyped")),
    (InvalidBBANChecksum, N_("the account number's own check digit does not match: a digit is mistyped")),
    (InvalidLength, N_("it has the wrong number of characters for its country")),
    (InvalidCountryCode, N_("it does not start with a known country code")),
    (InvalidStructure, N_("it holds characters an IBAN cannot have")),
    (InvalidBankCode, N_("its bank code is not valid")),
    (InvalidAccountCode, N_("its account code is not valid")),
]


class IbanNotValid(ValueError):
    """Not an IBAN; `reason` says why in words for people (an English msgid, like `MESSAGE`)."""

    MESSAGE = N_("%(iban)s is not a valid IBAN: %(reason)s.")

    def __init__(self, iban: str, reason: str) -> None:
        super().__init__(self.MESSAGE % {"iban": iban, "reason": reason} if iban else reason)
        self.iban = iban
        self.reason = reason


def normalise_iban(text: str) -> str:
    """The IBAN in `text` in its compact form (`LT12 1000 …` → `LT121000…`), or ValueError saying why not.

    Spaces, dashes and lower case are accepted as people write them; the country's length and structure
    and the check digits are verified (schwifty). IbanNotValid is a ValueError.
    """
    compact = "".join(text.split()).replace("-", "").upper()
    if not compact:
        raise IbanNotValid("", N_("No IBAN was given."))
    try:
        return str(IBAN(compact).compact)
    except SchwiftyException as error:
        reason = next((words for kind, words in _REASONS if isinstance(error, kind)), str(error))
        raise IbanNotValid(compact, reason) from error


def is_valid_iban(iban: str | None) -> bool:
    """Whether this IBAN (as stored or typed) is one money can be sent to: `normalise_iban` takes it."""
    try:
        normalise_iban(iban or "")
    except ValueError:
        return False
    return True


def grouped_iban(iban: str) -> str:
    """A compact IBAN in groups of four, as people read and type it: `LT12 1000 0111 0100 1000`."""
    compact = "".join(iban.split())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
