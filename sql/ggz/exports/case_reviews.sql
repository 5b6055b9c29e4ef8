-- materialized: view (read once, by the Parquet writer)
-- case_reviews.parquet: the INDIVIDUELE_BEOORDELING worklist, with what a reviewer needs: the reasons,
-- the detail of every rule that did not pass (a compliance check without a recent row, input rows in
-- quarantine), the institution's segment and size, and the reviewer's decision (empty while open).
-- Not in contract ggz-2021 6; the same worklist as for paramedie (docs/decisions.md, contract cycle 2).
select
    decisions.instelling_agb,
    decisions.discipline,
    ondernemingen.naam,
    ondernemingen.kvk_nummer,
    ondernemingen.plaats,
    decisions.reasons,
    cast(coalesce(review_details.review_details, []) as varchar[]) as review_details,
    decisions.segment,
    decisions.omzet_totaal,
    decisions.patienten_totaal,
    decisions.overeenkomst_actueel,
    decisions.aanvraagdatum,
    decisions.besluit,
    decisions.motivering,
    decisions.beoordelaar,
    decisions.beoordeeld_op,
    decisions.eindbesluit
from exports.decisions as decisions
left join staged.ondernemingen as ondernemingen on ondernemingen.agb_code = decisions.instelling_agb
left join decisions.review_details as review_details
    on review_details.praktijk_agb = decisions.instelling_agb and review_details.discipline = decisions.discipline
where decisions.outcome = 'INDIVIDUELE_BEOORDELING'
order by decisions.instelling_agb
