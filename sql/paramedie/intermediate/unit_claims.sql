-- The prior-year claims per unit, aggregated once from the claim groups: the units the claims
-- name, and whether the unit declared in the prior year (at least one debet line, declaratiebedrag
-- >= 0, with datum_prestatie in the prior year). Contract 4 (units from claims) and 6
-- (declared_prior_year); units, the route and the quarantine tracing read this, not the lines.
select
    praktijk_agb,
    discipline,
    coalesce(bool_or(declared_prior_year), false) as declared_prior_year
from intermediate.claim_groups
where discipline is not null
group by praktijk_agb, discipline
