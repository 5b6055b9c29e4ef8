-- What a reader of an output needs to know about each unit besides its outcome: the
-- onderneming's name, KvK number and address from the AGB register, and how many caregivers
-- the unit's rules looked at. Contract 7 (offers and review worklists).
with caregiver_counts as (
    select praktijk_agb, discipline, count(distinct zorgverlener_agb) as aantal_zorgverleners
    from intermediate.unit_caregivers
    group by praktijk_agb, discipline
)

select
    outcomes.*,
    ondernemingen.naam,
    ondernemingen.kvk_nummer,
    ondernemingen.straat,
    ondernemingen.huisnummer,
    ondernemingen.huisnummer_toevoeging,
    ondernemingen.postcode,
    ondernemingen.plaats,
    left(ondernemingen.postcode, 4) as pc4,
    coalesce(caregiver_counts.aantal_zorgverleners, 0) as aantal_zorgverleners
from decisions.unit_outcomes as outcomes
left join staged.ondernemingen as ondernemingen on ondernemingen.agb_code = outcomes.praktijk_agb
left join caregiver_counts using (praktijk_agb, discipline)
