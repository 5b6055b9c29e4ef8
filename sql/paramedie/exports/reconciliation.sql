-- materialized: view (read once, by the Parquet writer)
-- reconciliation.parquet: per PM304 message, the record counts and signed total read against
-- what its sluitrecord (99) declares, and whether the message was loaded. Contract 3 (PM304).
select *
from raw.pm304_reconciliation
order by file, message
