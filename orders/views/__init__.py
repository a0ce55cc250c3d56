"""The orders' pages, one module (one blueprint) per audience."""
