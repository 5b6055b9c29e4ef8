-- case_reviews.parquet: the INDIVIDUELE_BEOORDELING worklist, with what a reviewer needs: the reasons,
-- the detail of each rule under review (a compliance check without a row, input rows in quarantine),
-- and the institution's segment and size. Not in contract ggz-2021 6; the same worklist as for
-- paramedie (docs/decisions.md).
with review_details as (
    select praktijk_agb as instelling_agb,
        list(rule || ': ' || detail order by rule) as review_details
    from decisions.rule_results
    where result in ('review', 'fail')
    group by praktijk_agb
)

select
    decisions.instelling_agb,
    ondernemingen.naam,
    ondernemingen.kvk_nummer,
    ondernemingen.plaats,
    decisions.reasons,
    cast(coalesce(review_details.review_details, []) as varchar[]) as review_details,
    decisions.segment,
    decisions.omzet_totaal,
    decisions.patienten_totaal,
    decisions.overeenkomst_actueel,
    decisions.aanvraagdatum
from exports.decisions as decisions
left join staged.ondernemingen as ondernemingen on ondernemingen.agb_code = decisions.instelling_agb
left join review_details using (instelling_agb)
where decisions.outcome = 'INDIVIDUELE_BEOORDELING'
order by decisions.instelling_agb
