-- The prior-year claims per unit, aggregated once from every claim line: the units the claims
-- name, and whether the unit declared in the prior year (at least one debet line, declaratiebedrag
-- >= 0, with datum_prestatie in the prior year). Contract 4 (units from claims) and 6
-- (declared_prior_year); units, the route and the quarantine tracing read this, not the lines.
with parameters as (
    select make_date(prior_year, 1, 1) as prior_year_start, make_date(prior_year, 12, 31) as prior_year_end
    from policy.parameters
)

select
    claim_lines.praktijk_agb,
    claim_lines.discipline,
    coalesce(bool_or(claim_lines.declaratiebedrag >= 0
        and claim_lines.datum_prestatie between parameters.prior_year_start and parameters.prior_year_end), false)
        as declared_prior_year
from intermediate.claim_lines as claim_lines
cross join parameters
where claim_lines.discipline is not null
group by claim_lines.praktijk_agb, claim_lines.discipline
