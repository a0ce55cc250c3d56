"""The shop's legal pages (terms of sale, privacy notice, delivery and returns, the withdrawal form, about the
VVG): written by VVG staff in Lithuanian and English, each change published as a new version that stays
readable, so an order can name the version of the terms its customer accepted."""
