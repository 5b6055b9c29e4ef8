-- materialized: view (millions of claim lines, read once by intermediate.unit_claims)
-- The prior-year claim lines grouped by what decides their unit and discipline (praktijk,
-- treating caregiver, code-list discipline), so that the discipline is resolved per group and
-- not per line. Contract 4: the discipline comes from a per-discipline prestatiecodelijst, else
-- from the first two digits of the treating caregiver's AGB code (zorgsoort), else (zorgsoort 90)
-- from the caregiver's registered discipline when that is a single one. For an instelling every
-- line counts for its unit (agb, instelling). Contract 6: a group declared in the prior year when
-- one of its lines is a debet line (declaratiebedrag >= 0) with datum_prestatie in the prior year.
with parameters as (
    select make_date(prior_year, 1, 1) as prior_year_start, make_date(prior_year, 12, 31) as prior_year_end
    from policy.parameters
),

groups as (
    select
        claims.praktijk_agb,
        claims.zorgverlener_agb,
        claims.code_list_discipline,
        bool_or(claims.declaratiebedrag >= 0
            and claims.datum_prestatie between parameters.prior_year_start and parameters.prior_year_end)
            as declared_prior_year
    from staged.claims as claims
    cross join parameters
    group by claims.praktijk_agb, claims.zorgverlener_agb, claims.code_list_discipline
),

single_registered as (
    select zorgverlener_agb, any_value(discipline) as discipline
    from intermediate.caregiver_disciplines
    group by zorgverlener_agb
    having count(*) = 1
),

with_discipline as (
    select
        groups.*,
        coalesce(groups.code_list_discipline, single_registered.discipline) as claim_discipline
    from groups
    left join single_registered using (zorgverlener_agb)
)

select
    with_discipline.*,
    case
        when ondernemingen.is_instelling then 'instelling'
        else with_discipline.claim_discipline
    end as discipline
from with_discipline
left join intermediate.ondernemingen_units as ondernemingen using (praktijk_agb)
