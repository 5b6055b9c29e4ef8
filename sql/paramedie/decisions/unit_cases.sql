-- The outcome of each unit: the decision table of contract section 6. The reasons are written
-- from it by sql/common/decisions/unit_outcomes.sql (GEEN_ACTIE: geen_actie_reden below).
-- Policy: Inkoopsystematiek (proactief benaderen bij overeenkomst en declaraties in 2023),
-- Nieuwe zorgaanbieder (zorgplicht, aanvragen tot 1 oktober 2023).
--
-- | case                                          | outcome                                        |
-- | prior_contract and declared_prior_year        | fail -> NIET_AANBIEDEN; review -> INDIVIDUELE_BEOORDELING; else PROACTIEF_AANBOD |
-- | else applied on time, prior_contract          | the same checks; all pass -> AANBOD_OP_AANVRAAG |
-- | else applied on time, no prior_contract       | the same checks; all pass -> ZORGPLICHTTOETS   |
-- | else applied late                             | AANVRAAG_TE_LAAT                               |
-- | else                                          | GEEN_ACTIE (GEEN_DECLARATIES_VORIG_JAAR or GEEN_OVEREENKOMST_GEEN_AANVRAAG) |
--
-- Before all of these (contract cycle 1.4): a unit with a running multi-year contract covering the
-- contract year gets no new offer: LOPENDE_OVEREENKOMST when every rule passes, else
-- INDIVIDUELE_BEOORDELING with the review code REVIEW_LOPENDE_OVEREENKOMST beside its other reasons.
-- And: a unit that input rows in quarantine are about (INVOER_VOLLEDIG review)
-- goes to INDIVIDUELE_BEOORDELING whatever its route, with every failing rule and review code as
-- reasons: a left-out contract, caregiver or claim may be what decided it (docs/decisions.md).
with checks as (
    select * from decisions.unit_checks
),

judged as (
    select
        routes.*,
        coalesce(checks.failed_rules, []) as failed_rules,
        coalesce(checks.review_codes, []) as review_codes,
        case
            when len(coalesce(checks.failed_rules, [])) > 0 then 'fail'
            when len(coalesce(checks.review_codes, [])) > 0 then 'review'
            else 'pass'
        end as checks_result
    from decisions.unit_routes as routes
    left join checks using (praktijk_agb, discipline)
),

outcomes as (
    select
        judged.*,
        case
            when running_contract then
                case checks_result when 'pass' then 'LOPENDE_OVEREENKOMST' else 'INDIVIDUELE_BEOORDELING' end
            when list_contains(review_codes, 'REVIEW_INVOER_IN_QUARANTAINE') then 'INDIVIDUELE_BEOORDELING'
            when (prior_contract and declared_prior_year) or applied_on_time then
                case checks_result
                    when 'fail' then 'NIET_AANBIEDEN'
                    when 'review' then 'INDIVIDUELE_BEOORDELING'
                    else case
                        when prior_contract and declared_prior_year then 'PROACTIEF_AANBOD'
                        when prior_contract then 'AANBOD_OP_AANVRAAG'
                        else 'ZORGPLICHTTOETS'
                    end
                end
            when aanvraagdatum is not null then 'AANVRAAG_TE_LAAT'
            else 'GEEN_ACTIE'
        end as outcome
    from judged
)

select
    outcomes.praktijk_agb,
    outcomes.discipline,
    outcomes.outcome,
    outcomes.failed_rules,
    case
        when outcomes.running_contract and outcomes.outcome = 'INDIVIDUELE_BEOORDELING'
            then list_concat(outcomes.review_codes, ['REVIEW_LOPENDE_OVEREENKOMST'])
        else outcomes.review_codes
    end as review_codes,
    case when outcomes.prior_contract then 'GEEN_DECLARATIES_VORIG_JAAR'
         else 'GEEN_OVEREENKOMST_GEEN_AANVRAAG' end as geen_actie_reden,
    outcomes.prior_contract,
    outcomes.declared_prior_year,
    outcomes.aanvraagdatum,
    outcomes.applied_on_time,
    outcomes.running_contract,
    -- the offer list an offer to this unit goes on (also after review, contract cycle 2): proactive
    -- for a unit with a prior contract and declarations, else the unit came by application
    case when outcomes.prior_contract and outcomes.declared_prior_year then 'proactive_offers' else 'requested_offers' end
        as aanbodlijst,
    bi.bi,
    bi.aantal_patienten,
    case
        when outcomes.outcome = 'LOPENDE_OVEREENKOMST' then outcomes.running_ingangsdatum
        when outcomes.outcome in ('PROACTIEF_AANBOD', 'AANBOD_OP_AANVRAAG') then terms.ingangsdatum
    end as contract_ingangsdatum,
    case
        when outcomes.outcome = 'LOPENDE_OVEREENKOMST' then outcomes.running_einddatum
        when outcomes.outcome in ('PROACTIEF_AANBOD', 'AANBOD_OP_AANVRAAG') then terms.einddatum
    end as contract_einddatum
from outcomes
left join policy.contract_terms as terms using (discipline)
left join intermediate.behandelindex_bi_year as bi
    on bi.praktijk_agb = outcomes.praktijk_agb
    and outcomes.discipline = 'fysiotherapie'
