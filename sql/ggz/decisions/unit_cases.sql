-- The outcome of each GGZ unit: the decision table of contract ggz-2021 section 5, checked in
-- order, the first that holds decides; sql/common/decisions/unit_outcomes.sql writes the reasons.
-- Policy: Voorwaarden voor een contract; Inkoopsystematiek.
--
-- | # | case                                                              | outcome                 |
-- | 1 | no contract overlapping 2020 or later, and no application        | GEEN_ACTIE              |
-- | 2 | any rule fails                                                    | NIET_AANBIEDEN          |
-- | 3 | any rule is review                                                | INDIVIDUELE_BEOORDELING |
-- | 4 | segment offerte                                                   | OFFERTE_UITNODIGING     |
-- | 5 | segment digitaal and a contract covering the whole contract year | LOPENDE_OVEREENKOMST    |
-- | 6 | otherwise                                                         | DIGITAAL_AANBOD         |
--
-- Before all of these, as in paramedie: a unit that input rows in quarantine are about
-- (INVOER_VOLLEDIG review) goes to INDIVIDUELE_BEOORDELING, since a left-out contract or claim line
-- may be what decided row 1, 4 or 5 (docs/decisions.md).
with checks as (
    select * from decisions.unit_checks
),

situation as (
    select
        units.praktijk_agb,
        units.discipline,
        coalesce(contracts.overeenkomst_actueel, false) as overeenkomst_actueel,
        coalesce(contracts.dekt_contractjaar, false) as overeenkomst_dekt_contractjaar,
        contracts.overeenkomst_ingangsdatum,
        contracts.overeenkomst_einddatum,
        applications.aanvraagdatum,
        coalesce(checks.failed_rules, []) as failed_rules,
        coalesce(checks.review_codes, []) as review_codes,
        segmentatie.segment,
        segmentatie.segment_redenen
    from intermediate.units as units
    left join intermediate.unit_contracts as contracts using (praktijk_agb, discipline)
    left join intermediate.unit_applications as applications using (praktijk_agb, discipline)
    left join checks using (praktijk_agb, discipline)
    left join intermediate.segmentatie as segmentatie using (praktijk_agb, discipline)
),

outcomes as (
    select
        situation.*,
        case
            when list_contains(review_codes, 'REVIEW_INVOER_IN_QUARANTAINE') then 'INDIVIDUELE_BEOORDELING'
            when not overeenkomst_actueel and aanvraagdatum is null then 'GEEN_ACTIE'
            when len(failed_rules) > 0 then 'NIET_AANBIEDEN'
            when len(review_codes) > 0 then 'INDIVIDUELE_BEOORDELING'
            when segment = 'offerte' then 'OFFERTE_UITNODIGING'
            when overeenkomst_dekt_contractjaar then 'LOPENDE_OVEREENKOMST'
            else 'DIGITAAL_AANBOD'
        end as outcome
    from situation
)

select
    outcomes.praktijk_agb,
    outcomes.discipline,
    outcomes.outcome,
    outcomes.failed_rules,
    outcomes.review_codes,
    'GEEN_OVEREENKOMST_GEEN_AANVRAAG' as geen_actie_reden,
    outcomes.segment,
    outcomes.segment_redenen,
    -- the offer list an offer to this unit goes on (also after review, contract cycle 2): by segment
    case when outcomes.segment = 'offerte' then 'offerte_uitnodigingen' else 'digitale_aanbiedingen' end as aanbodlijst,
    cijfers.* exclude (praktijk_agb, discipline),
    online.online_beoordeeld,
    online.online_maatwerk,
    coalesce(online.online_niet_voldaan, []) as online_niet_voldaan,
    wachttijd.wachttijd_gesprek,
    outcomes.overeenkomst_actueel,
    outcomes.overeenkomst_dekt_contractjaar,
    outcomes.overeenkomst_ingangsdatum,
    outcomes.overeenkomst_einddatum,
    outcomes.aanvraagdatum,
    case when outcomes.outcome = 'DIGITAAL_AANBOD' then terms.ingangsdatum end as contract_ingangsdatum,
    case when outcomes.outcome = 'DIGITAAL_AANBOD' then terms.einddatum end as contract_einddatum
from outcomes
join intermediate.unit_cijfers as cijfers using (praktijk_agb, discipline)
join intermediate.online_maatwerk as online using (praktijk_agb, discipline)
join intermediate.wachttijd_gesprek as wachttijd using (praktijk_agb, discipline)
left join policy.contract_terms as terms using (discipline)
