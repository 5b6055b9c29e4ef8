-- materialized: view (read once, by the Parquet writer)
-- quarantine.parquet: every input row kept out of the run, with file, line and reason (contract 7):
-- the rows that failed their checks while loading, and the reviewers' decisions and acceptances that
-- the selection cannot take (contract cycle 2 and 3).
with judged_rows as (
    select _file as file, _line as line, 'praktijk_agb, discipline' as "column",
        praktijk_agb || ', ' || discipline as value, quarantine_reason as reason
    from decisions.review_rows
    where quarantine_reason is not null
    union all
    select _file, _line, 'praktijk_agb, discipline', praktijk_agb || ', ' || discipline, quarantine_reason
    from decisions.acceptance_rows
    where quarantine_reason is not null
)

select file, cast(line as bigint) as line, "column", value, reason
from raw.quarantine
union all
select file, cast(line as bigint), "column", value, reason
from judged_rows
order by file, line, "column", value, reason
