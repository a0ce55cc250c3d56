"""The catalogue's pages, one module (one blueprint) per audience."""
