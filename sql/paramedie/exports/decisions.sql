-- materialized: view (read once, by the Parquet writer)
-- decisions.parquet: one row per unit with its outcome and reasons (contract 7), and the reviewer's
-- decision with the eindbesluit that follows from it (contract cycle 2).
select
    praktijk_agb,
    discipline,
    outcome,
    cast(reasons as varchar[]) as reasons,
    prior_contract,
    declared_prior_year,
    aanvraagdatum,
    cast(bi as double) as bi,
    cast(aantal_patienten as integer) as aantal_patienten,
    contract_ingangsdatum,
    contract_einddatum,
    besluit.* exclude (praktijk_agb, discipline)
from decisions.unit_outcomes
join decisions.unit_besluit as besluit using (praktijk_agb, discipline)
order by praktijk_agb, discipline
