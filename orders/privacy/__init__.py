"""Customers' personal data (GDPR): what the shop holds about an e-mail address, a copy of it, its erasure.

Customers have no accounts: their name, e-mail, phone, address and gift messages live on their orders and
in the mails the shop wrote them. A customer asks on the shop's page, by e-mail address, and is mailed a
signed link (`asking`); the link's page offers a JSON copy of everything held (`export`) and erasure
(`erasure`), which anonymises the orders that are closed and defers those still open. Staff see every
request and handle one by hand (asked by phone). `retention` is the daily job: it finishes deferred
erasures, anonymises the customers of orders older than CUSTOMER_DATA_RETENTION_DAYS, closes requests
left a month, and clears the last words of accounting records older than ACCOUNTING_RETENTION_YEARS.
"""
