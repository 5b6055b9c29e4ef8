"""Prefect flows of zorginkoop."""
