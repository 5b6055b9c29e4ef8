-- quarantine.parquet: every input row kept out of the run, with file, line and reason.
-- Contract 7.
select file, cast(line as bigint) as line, "column", value, reason
from raw.quarantine
order by file, line, "column"
