"""Invoices: a paid parcel's invoice from its community, a credit note for each refund of it, and the VVG's
monthly commission invoice to each community (`issuing`), each drawn as a PDF (`pdf`)."""
