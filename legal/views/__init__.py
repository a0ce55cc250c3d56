"""The legal pages' views: `storefront` (customers read them) and `backoffice` (staff publish them)."""
