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

_REASONS: list[tuple[type[SchwiftyException], str]] = [
    (InvalidChecksumDigits, "the check digits do not match: a digit is mistyped"),
    (InvalidBBANChecksum, "the account number's own check digit does not match: a digit is mistyped"),
    (InvalidLength, "it has the wrong number of characters for its country"),
    (InvalidCountryCode, "it does not start with a known country code"),
    (InvalidStructure, "it holds characters an IBAN cannot have"),
    (InvalidBankCode, "its bank code is not valid"),
    (InvalidAccountCode, "its account code is not valid"),
]


class IbanNotValid(ValueError):
    """Not an IBAN; `reason` says why in words for people (an English msgid, like `MESSAGE`)."""

    MESSAGE = "%(iban)s is not a valid IBAN: %(reason)s."

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
        raise IbanNotValid("", "No IBAN was given.")
    try:
        return str(IBAN(compact).compact)
    except SchwiftyException as error:
        reason = next((words for kind, words in _REASONS if isinstance(error, kind)), str(error))
        raise IbanNotValid(compact, reason) from error
