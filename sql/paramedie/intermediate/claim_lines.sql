-- materialized: view (millions of lines; intermediate.unit_claims aggregates them once per unit)
-- Claim lines with their discipline and the unit they count for. Contract 4: the discipline
-- comes from a per-discipline prestatiecodelijst, else from the first two digits of the
-- treating caregiver's AGB code (zorgsoort), else (zorgsoort 90) from the caregiver's
-- registered discipline when that is a single one. For an instelling every line counts
-- for its unit (agb, instelling).
with single_registered as (
    select zorgverlener_agb, any_value(discipline) as discipline
    from intermediate.caregiver_disciplines
    group by zorgverlener_agb
    having count(*) = 1
),

lines as (
    select
        claims.*,
        coalesce(claims.code_list_discipline, single_registered.discipline) as claim_discipline
    from staged.claims as claims
    left join single_registered using (zorgverlener_agb)
)

select
    lines.*,
    case
        when ondernemingen.is_instelling then 'instelling'
        else lines.claim_discipline
    end as discipline
from lines
left join intermediate.ondernemingen_units as ondernemingen using (praktijk_agb)
