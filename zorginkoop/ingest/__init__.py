"""Ingest: the bundle's files into raw tables, PM304, pseudonyms, `claims load`."""
