-- materialized: view (read once by intermediate.unit_claims; what it reads stays in the database file)
-- The prior-year claims grouped by what decides their unit and discipline (praktijk, treating
-- caregiver, code-list discipline), so that the discipline is resolved per group and not per
-- line. Contract 4: the discipline comes from a per-discipline prestatiecodelijst, else from the
-- first two digits of the treating caregiver's AGB code (zorgsoort), else (zorgsoort 90) from the
-- caregiver's registered discipline when that is a single one. For an instelling every line
-- counts for its unit (agb, instelling). Contract 6: a group declared in the prior year when one
-- of its lines is a debet line (declaratiebedrag >= 0) with datum_prestatie in the prior year.
with parameters as (
    select prior_year from policy.parameters
),

groups as (
    select
        counts.praktijk_agb,
        counts.zorgverlener_agb,
        counts.code_list_discipline,
        bool_or(counts.debet and counts.jaar = parameters.prior_year) as declared_prior_year
    from intermediate.claim_line_counts as counts
    cross join parameters
    group by counts.praktijk_agb, counts.zorgverlener_agb, counts.code_list_discipline
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
