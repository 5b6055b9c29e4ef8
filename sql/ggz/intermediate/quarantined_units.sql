-- The GGZ units that quarantined input rows are about (feeds the common rule INVOER_VOLLEDIG): a
-- row kept out of the run names an AGB code (of the instelling or one of its vestigingen), traced
-- here to the unit. Every kind of row counts, claim lines included: a left-out claim line changes
-- the institution's figures and possibly its segment. Contract ggz-2021 5 (review).
with codes as (
    select distinct file, line, code from raw.quarantine_codes
),

linked as (
    select codes.file, codes.line, codes.code as praktijk_agb from codes
    union
    select codes.file, codes.line, vestigingen.onderneming_agb
    from codes join staged.vestigingen as vestigingen on vestigingen.vestiging_agb = codes.code
)

select units.praktijk_agb, units.discipline, linked.file, linked.line
from intermediate.units as units
join linked using (praktijk_agb)
