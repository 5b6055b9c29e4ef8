-- The praktijken that quarantined input rows are about: a row kept out of the run names an AGB
-- code (of the praktijk or a vestiging: intermediate.quarantine_links; or of a zorgverlener) or a
-- BIG or KP number, traced here to the onderneming through the AGB register. Feeds
-- intermediate.quarantined_units and so rule INVOER_VOLLEDIG, so that no unit is decided on
-- incomplete data without a person looking. Contract 5 (review); issue "nothing silently wrong".
-- Only the caregivers that a quarantined row names are traced (some dozens, not the register's
-- hundred thousand).
with codes as (
    select distinct file, line, code from raw.quarantine_codes
),

caregivers_by_number as (
    select zorgverlener_agb, code from (
        select zorgverlener_agb, big_nummer as code from staged.zorgverleners where big_nummer is not null
        union all
        select zorgverlener_agb, kp_nummer from staged.zorgverleners where kp_nummer is not null
        union all
        select zorgverlener_agb, zorgverlener_agb from staged.zorgverleners
    )
    where code in (select code from codes)
),

caregiver_praktijken as (
    select distinct caregivers_by_number.code, vestigingen.onderneming_agb as praktijk_agb
    from caregivers_by_number
    join staged.relaties as relaties using (zorgverlener_agb)
    join staged.vestigingen as vestigingen using (vestiging_agb)
    union
    select distinct relaties.zorgverlener_agb, vestigingen.onderneming_agb
    from staged.relaties as relaties
    join staged.vestigingen as vestigingen using (vestiging_agb)
    where relaties.zorgverlener_agb in (select code from codes)
),

linked as (
    select file, line, praktijk_agb from intermediate.quarantine_links
    union
    select codes.file, codes.line, caregiver_praktijken.praktijk_agb
    from codes join caregiver_praktijken using (code)
)

select praktijk_agb, file, line, file like 'claims/%' as from_claims
from linked
where praktijk_agb in (select agb_code from staged.ondernemingen)
    or praktijk_agb in (select praktijk_agb from intermediate.units)
