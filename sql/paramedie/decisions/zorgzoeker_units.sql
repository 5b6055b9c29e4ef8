-- Per unit what the zorgzoeker says (sql/common/exports/zorgzoeker.sql adds the vestigingen):
-- contracted when the outcome is PROACTIEF_AANBOD (status voorlopig), or, when acceptances are
-- given, when the unit has an acceptance (status definitief; an instelling's acceptance counts for
-- its single unit). Policy: Inkoopsystematiek ("in de zorgzoeker ... getoond als
-- niet-gecontracteerde zorgaanbieder en ... vergoed conform de polisvoorwaarden"). Contract 7.
with acceptances_given as (
    select count(*) > 0 as given from staged.acceptances
),

accepted as (
    select distinct
        acceptances.praktijk_agb,
        case when ondernemingen.is_instelling then 'instelling' else acceptances.discipline end as discipline
    from staged.acceptances as acceptances
    left join intermediate.ondernemingen_units as ondernemingen using (praktijk_agb)
)

select
    outcomes.praktijk_agb,
    outcomes.discipline,
    outcomes.discipline as aanbod,
    case
        when acceptances_given.given then accepted.praktijk_agb is not null
        else outcomes.outcome = 'PROACTIEF_AANBOD'
    end as gecontracteerd,
    'Niet gecontracteerd. De zorg wordt vergoed conform de polisvoorwaarden.' as toelichting_niet_gecontracteerd,
    case when acceptances_given.given then 'definitief' else 'voorlopig' end as status
from decisions.unit_outcomes as outcomes
cross join acceptances_given
left join accepted using (praktijk_agb, discipline)
