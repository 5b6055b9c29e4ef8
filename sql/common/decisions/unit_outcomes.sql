-- The outcome of each unit with its reasons, as both contracts write them (paramedie-2024 6,
-- ggz-2021 5): NIET_AANBIEDEN lists the failing rules, INDIVIDUELE_BEOORDELING the review codes
-- (and any failing rules, when input in quarantine sent the unit to review first), GEEN_ACTIE the
-- domain's reason code; the other outcomes have none. Which outcome a unit gets is the domain's
-- decision table: sql/<domain>/decisions/unit_cases.sql.
select
    cases.* exclude (failed_rules, review_codes, geen_actie_reden),
    case cases.outcome
        when 'NIET_AANBIEDEN' then cases.failed_rules
        when 'INDIVIDUELE_BEOORDELING' then list_sort(list_concat(cases.review_codes, cases.failed_rules))
        when 'GEEN_ACTIE' then [cases.geen_actie_reden]
        else []
    end as reasons
from decisions.unit_cases as cases
