-- The institutions that quarantined input rows are about: a row kept out of the run names an AGB
-- code (of the instelling or one of its vestigingen), traced here to the unit. Feeds rule
-- INVOER_VOLLEDIG, so that no institution is decided, nor its figures computed, on incomplete data
-- without a person looking. Contract ggz-2021 5 (review); issue "nothing silently wrong".
with codes as (
    select distinct file, line, code from raw.quarantine_codes
),

linked as (
    select codes.file, codes.line, codes.code as praktijk_agb from codes
    union
    select codes.file, codes.line, vestigingen.onderneming_agb
    from codes join staged.vestigingen as vestigingen on vestigingen.vestiging_agb = codes.code
)

select praktijk_agb, file, line
from linked
where praktijk_agb in (select praktijk_agb from intermediate.units)
