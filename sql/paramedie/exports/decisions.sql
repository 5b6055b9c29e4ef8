-- decisions.parquet: one row per unit with its outcome and reasons. Contract 7.
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
    contract_einddatum
from decisions.unit_outcomes
order by praktijk_agb, discipline
