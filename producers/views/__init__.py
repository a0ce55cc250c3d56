"""The producers' pages, one module (one blueprint) per audience."""
