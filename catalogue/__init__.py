"""What the communities sell: categories, products and their variants, photos, search."""
