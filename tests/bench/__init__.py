"""The load benchmark's seeded shop (bench/seed.py)."""
