"""Benchmarks (`make bench`, bench/README.md): not part of the shop; a package so that the tests can import
the seeder."""
