-- materialized: view (read once, by the Parquet writer)
-- zorgplicht_reviews.parquet: the ZORGPLICHTTOETS worklist (new providers that meet every
-- condition; contracted only when needed for the zorgplicht). Gives the reviewer the coverage
-- in the practice's postcode area: offered practices of the same discipline there and, when
-- regions/insured_pc4.csv is given, the insured people living there. Policy: Nieuwe zorgaanbieder.
-- Offered: every unit with an offer or a running contract (eindbesluit). Every unit under this review
-- stays on the list, with the reviewer's decision (empty while open; contract cycle 2).
with offered_per_pc4 as (
    select pc4, discipline, count(*) as aangeboden_praktijken_pc4
    from decisions.unit_profiles
    where eindbesluit in ('AANBIEDEN', 'LOPENDE_OVEREENKOMST') and pc4 is not null
    group by pc4, discipline
)

select
    profiles.praktijk_agb,
    profiles.discipline,
    profiles.naam,
    profiles.kvk_nummer,
    profiles.straat,
    profiles.huisnummer,
    profiles.postcode,
    profiles.plaats,
    profiles.pc4,
    profiles.aanvraagdatum,
    cast(profiles.aantal_zorgverleners as integer) as aantal_zorgverleners,
    cast(coalesce(offered.aangeboden_praktijken_pc4, 0) as integer) as aangeboden_praktijken_pc4,
    cast(insured.aantal_verzekerden as integer) as aantal_verzekerden_pc4,
    besluit.* exclude (praktijk_agb, discipline)
from decisions.unit_profiles as profiles
join decisions.unit_besluit as besluit using (praktijk_agb, discipline)
left join offered_per_pc4 as offered using (pc4, discipline)
left join staged.insured_pc4 as insured using (pc4)
where profiles.outcome = 'ZORGPLICHTTOETS'
order by profiles.praktijk_agb, profiles.discipline
