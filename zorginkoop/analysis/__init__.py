"""Analysis of finished runs: explain, whatif, diff, and the workbook's review round trip."""
