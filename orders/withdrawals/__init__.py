"""The customer's right of withdrawal (Directive 2011/83/EU, Art. 9–16 and 11a): a parcel's lines taken back
within 14 days of its delivery, acknowledged at once by mail, refunded through the refund rules."""
