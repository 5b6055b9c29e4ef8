-- materialized: view (computed once, inside decisions.rule_results, through rules.stacked)
-- ALLE_DISCIPLINES (instelling). Policy: Paramedische instellingen ("instellingen die de
-- kwalificaties hebben om alle paramedische zorg vanuit de eerste-lijn aan te bieden").
-- Pass when the instelling has active caregivers in all seven other disciplines.
with disciplines as (
    select discipline from policy.contract_terms where discipline <> 'instelling'
),

instellingen as (
    select praktijk_agb, discipline from intermediate.units where discipline = 'instelling'
),

covered as (
    select distinct caregivers.onderneming_agb as praktijk_agb, caregivers.discipline as covered_discipline
    from intermediate.active_caregivers as caregivers
    where caregivers.discipline is not null
),

missing as (
    select instellingen.praktijk_agb, instellingen.discipline,
        list(disciplines.discipline order by disciplines.discipline)
            filter (where covered.covered_discipline is null) as missing_disciplines
    from instellingen
    cross join disciplines
    left join covered
        on covered.praktijk_agb = instellingen.praktijk_agb
        and covered.covered_discipline = disciplines.discipline
    group by instellingen.praktijk_agb, instellingen.discipline
)

select
    praktijk_agb,
    discipline,
    'ALLE_DISCIPLINES' as rule,
    case when coalesce(len(missing_disciplines), 0) = 0 then 'pass' else 'fail' end as result,
    case
        when coalesce(len(missing_disciplines), 0) = 0 then 'actieve zorgverleners in alle zeven paramedische disciplines'
        else format('geen actieve zorgverleners voor: {}', array_to_string(missing_disciplines, ', '))
    end as detail,
    'ALLE_DISCIPLINES' as reason_code
from missing
