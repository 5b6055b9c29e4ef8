"""Reporting: report.html, selectie.xlsx and the outcome table."""
