-- The outcome of each unit with its reasons, as both contracts write them (paramedie-2024 6,
-- ggz-2021 5): NIET_AANBIEDEN lists the failing rules, INDIVIDUELE_BEOORDELING the review codes
-- (and any failing rules, when input in quarantine or a running contract sent the unit to review
-- first), GEEN_ACTIE the domain's reason code; the other outcomes have none. Which outcome a unit
-- gets is the domain's decision table: sql/<domain>/decisions/unit_cases.sql.
--
-- Contract cycle 2: `outcome` stays the policy's outcome (the audit trail); the reviewer's decision
-- that counts (decisions.review_rows) fills besluit, motivering, beoordelaar, beoordeeld_op, and
-- eindbesluit is that besluit, OPEN while a unit under review has none, and for every other unit what
-- its outcome means (seeds.outcomes: AANBIEDEN, NIET_AANBIEDEN or LOPENDE_OVEREENKOMST). A unit
-- offered after review gets the contract dates of the policy's contract terms.
with reviews as (
    select praktijk_agb, discipline, besluit, motivering, beoordelaar, beoordeeld_op
    from decisions.review_rows
    where telt
)

select
    cases.* exclude (failed_rules, review_codes, geen_actie_reden, contract_ingangsdatum, contract_einddatum),
    case cases.outcome
        when 'NIET_AANBIEDEN' then cases.failed_rules
        when 'INDIVIDUELE_BEOORDELING' then list_sort(list_concat(cases.review_codes, cases.failed_rules))
        when 'GEEN_ACTIE' then [cases.geen_actie_reden]
        else []
    end as reasons,
    case when reviews.besluit = 'AANBIEDEN' then terms.ingangsdatum else cases.contract_ingangsdatum end
        as contract_ingangsdatum,
    case when reviews.besluit = 'AANBIEDEN' then terms.einddatum else cases.contract_einddatum end
        as contract_einddatum,
    reviews.besluit,
    reviews.motivering,
    reviews.beoordelaar,
    reviews.beoordeeld_op,
    case when vocabulary.eindbesluit = 'OPEN' then coalesce(reviews.besluit, 'OPEN') else vocabulary.eindbesluit end
        as eindbesluit,
    vocabulary.eindbesluit = 'OPEN' as ter_beoordeling,
    coalesce(reviews.besluit = 'AANBIEDEN', false) as na_beoordeling
from decisions.unit_cases as cases
left join seeds.outcomes as vocabulary using (outcome)
left join reviews using (praktijk_agb, discipline)
left join policy.contract_terms as terms using (discipline)
