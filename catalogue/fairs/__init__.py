"""Virtual fairs: a window of days in which invited communities show chosen products on the fair's own page
and on the home page (models, errors, the staff's and communities' services, the storefront's reads)."""
