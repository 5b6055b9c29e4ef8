-- The contract situation of each unit. overeenkomst_actueel: a contract overlaps the year before
-- the contract year or later (outcome row 1). dekt_contractjaar: one contract covers the whole
-- contract term, e.g. the two-year 2020-2021 agreements (outcome row 5, LOPENDE_OVEREENKOMST).
-- Contract ggz-2021 5. Policy: Inkoopsystematiek > GGZ-instellingen met digitale contractering.
with parameters as (
    select make_date(contract_year - 1, 1, 1) as vorig_jaar_start from policy.parameters
),

term as (
    select ingangsdatum, einddatum from policy.contract_terms where discipline = 'ggz'
)

select
    contracts.praktijk_agb,
    'ggz' as discipline,
    bool_or(contracts.einddatum is null or contracts.einddatum >= parameters.vorig_jaar_start) as overeenkomst_actueel,
    bool_or(contracts.ingangsdatum <= term.ingangsdatum
        and (contracts.einddatum is null or contracts.einddatum >= term.einddatum)) as dekt_contractjaar,
    max(contracts.ingangsdatum) as overeenkomst_ingangsdatum,
    arg_max(contracts.einddatum, contracts.ingangsdatum) as overeenkomst_einddatum
from staged.contracts as contracts
cross join parameters
cross join term
group by contracts.praktijk_agb
