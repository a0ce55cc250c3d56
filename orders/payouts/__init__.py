"""Paying the communities: a statement per community and period, approved by staff, paid by bank or Stripe.

The modules:

- `models`: the statement (`Payout`), its parcels (`PayoutLine`), the money taken back for a refund after
  it (`PayoutAdjustment`), the Stripe transfer of a parcel's earnings (`CommunityTransfer`);
- `period`: a period's days and their Vilnius bounds, its name;
- `dues`: what is due and what is held: the delivered parcels in no statement yet, the return window
  (`hold_days`, `payable_on`), what a run would leave out today (`held_in_return_window`);
- `statements`: generating the drafts (`generate_payouts`, `run_payouts`), recounting a draft's totals,
  and reading statements (`list_payouts`, `get_payout`, `payout_with_lines`, `line_counts`);
- `adjustments`: a refund after a statement, counted again in its draft or taken back from the next
  statement (`take_back_refund`);
- `paying`: approving a draft and paying it, by bank (marked paid) or by Stripe transfers;
- `exports`: the printable statement and the CSVs; `sepa`: the bank's payment file (pain.001).

The life of a statement (`Payout`):

1. `generate_payouts` makes a **draft** for every community that has money due: its delivered parcels in
   no statement yet, past the return window, whose order is not under an open dispute. Each parcel
   becomes one `PayoutLine` with its earnings from `orders.earnings.fulfilment_earnings` (goods − refunds
   − commission + delivery); `payout_lines.fulfilment_id` is unique, so the database itself refuses to
   pay a parcel twice.
2. Staff check it and `approve_payout` it: from then on it never changes.
3. It is paid: by bank (`sepa_pain001` writes the bank's file, staff upload it, then `mark_payout_paid`
   with the bank's reference), or, for a community with a Stripe account whose lines were all paid by
   card, by `pay_by_stripe` (one Stripe transfer per line, each at most once).

Periods are Lithuanian calendar days: `period_start` is the first day, `period_end` the day after the
last (exclusive), both read in Europe/Vilnius time. Every state change runs in `shop.db.transaction()`;
amounts are integer euro cents.

**The return window** (RELIABILITY M7). A customer may withdraw from a purchase for 14 days after the
parcel arrives, so a delivered parcel is held back for `PAYOUT_HOLD_DAYS` (default 14, 0 = no hold) whole
Vilnius days: the day of delivery does not count (as EU periods are counted), and the parcel becomes due
at the start of the next day after the last day of the hold — delivered on 10 March, due from 25 March.
The hold is measured against the moment of the run, not the end of the period: a run on 2 April for
March takes the parcels delivered up to 18 March; the rest wait in no statement and go into the next run
(`include_earlier`), so nothing is stranded. `payable_on` tells a community the day.
"""
