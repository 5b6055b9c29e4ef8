-- materialized: view (computed once, inside decisions.rule_results, through rules.stacked)
-- ZORGVERLENERS_AANWEZIG (all units but instelling). Policy: Voorwaarden en kwaliteitseisen
-- voor een contract (zorgverleners werkzaam binnen de onderneming). Pass when at least one
-- caregiver of the discipline is valid on the peildatum at an active vestiging of the praktijk.
with counted as (
    select units.praktijk_agb, units.discipline, count(caregivers.zorgverlener_agb) as caregivers
    from intermediate.units as units
    left join intermediate.unit_caregivers as caregivers using (praktijk_agb, discipline)
    where units.discipline <> 'instelling'
    group by units.praktijk_agb, units.discipline
)

select
    praktijk_agb,
    discipline,
    'ZORGVERLENERS_AANWEZIG' as rule,
    case when caregivers > 0 then 'pass' else 'fail' end as result,
    format('{} actieve zorgverlener(s) {} op de peildatum', caregivers, discipline) as detail,
    'ZORGVERLENERS_AANWEZIG' as reason_code
from counted
