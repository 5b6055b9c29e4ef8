-- The ondernemingen that quarantined input rows name by AGB code: the code itself (a praktijk or
-- instelling) or, for a vestiging's code, its onderneming. The start of the quarantine tracing of
-- every domain (intermediate.quarantined_units, rule INVOER_VOLLEDIG); a domain adds the codes it
-- knows more of (paramedie: zorgverleners by AGB, BIG or KP number). Contract 5 (review).
with codes as (
    select distinct file, line, code from raw.quarantine_codes
)

select codes.file, codes.line, codes.code as praktijk_agb from codes
union
select codes.file, codes.line, vestigingen.onderneming_agb
from codes join staged.vestigingen as vestigingen on vestigingen.vestiging_agb = codes.code
