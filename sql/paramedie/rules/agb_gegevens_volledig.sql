-- materialized: view (computed once, inside decisions.rule_results, through rules.stacked)
-- AGB_GEGEVENS_VOLLEDIG. Policy: Fysiotherapie specifiek / Overige verstrekkingen specifiek
-- (gegevens in het AGB-register volledig en juist). Pass when the onderneming has naam,
-- postcode and plaats, and each caregiver the unit looks at has achternaam and zorgsoort.
-- A caregiver without zorgsoort has no discipline, so it counts for every unit of its praktijk.
with caregivers_in_scope as (
    select praktijk_agb, discipline, zorgverlener_agb, achternaam, zorgsoort
    from intermediate.unit_caregivers
    union
    select units.praktijk_agb, units.discipline, caregivers.zorgverlener_agb, caregivers.achternaam, caregivers.zorgsoort
    from intermediate.units as units
    join intermediate.active_caregivers as caregivers
        on caregivers.onderneming_agb = units.praktijk_agb
        and caregivers.zorgsoort is null
),

incomplete_caregivers as (
    select
        praktijk_agb,
        discipline,
        list(zorgverlener_agb order by zorgverlener_agb) as agb_codes
    from caregivers_in_scope
    where achternaam is null or zorgsoort is null
    group by praktijk_agb, discipline
),

checked as (
    select
        units.praktijk_agb,
        units.discipline,
        list_filter([
            case when ondernemingen.agb_code is null then 'onderneming niet in AGB-register' end,
            case when ondernemingen.agb_code is not null and ondernemingen.naam is null then 'naam ontbreekt' end,
            case when ondernemingen.agb_code is not null and ondernemingen.postcode is null then 'postcode ontbreekt' end,
            case when ondernemingen.agb_code is not null and ondernemingen.plaats is null then 'plaats ontbreekt' end,
            case when incomplete.agb_codes is not null then
                format('zorgverlener(s) zonder achternaam of zorgsoort: {}', array_to_string(incomplete.agb_codes[1:5], ', '))
            end
        ], lambda x: x is not null) as gaps
    from intermediate.units as units
    left join staged.ondernemingen as ondernemingen on ondernemingen.agb_code = units.praktijk_agb
    left join incomplete_caregivers as incomplete using (praktijk_agb, discipline)
)

select
    praktijk_agb,
    discipline,
    'AGB_GEGEVENS_VOLLEDIG' as rule,
    case when len(gaps) = 0 then 'pass' else 'fail' end as result,
    case when len(gaps) = 0 then 'AGB-gegevens volledig' else array_to_string(gaps, '; ') end as detail,
    'AGB_GEGEVENS_VOLLEDIG' as reason_code
from checked
