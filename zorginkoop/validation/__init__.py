"""Validation: suites loaded, compiled to SQL row checks, and run in Great Expectations."""
