-- materialized: view (read once, by the Parquet writer)
-- case_reviews.parquet: the INDIVIDUELE_BEOORDELING worklist, with what a reviewer needs: the
-- review codes, the detail of each rule under review, the BI and patient count, and the
-- practice's address and size. Policy: Fysiotherapie specifiek (individuele beoordeling:
-- dekkingsgraad in de regio, geleverde zorg, toegevoegde waarde). Contract 7. Every unit under
-- review stays on it, with the reviewer's decision (empty while open; contract cycle 2).
select
    profiles.praktijk_agb,
    profiles.discipline,
    profiles.naam,
    profiles.kvk_nummer,
    profiles.postcode,
    profiles.plaats,
    cast(profiles.reasons as varchar[]) as reasons,
    cast(coalesce(review_details.review_details, []) as varchar[]) as review_details,
    profiles.prior_contract,
    profiles.declared_prior_year,
    profiles.aanvraagdatum,
    cast(profiles.bi as double) as bi,
    cast(profiles.aantal_patienten as integer) as aantal_patienten,
    cast(profiles.aantal_zorgverleners as integer) as aantal_zorgverleners,
    besluit.* exclude (praktijk_agb, discipline)
from decisions.unit_profiles as profiles
join decisions.unit_besluit as besluit using (praktijk_agb, discipline)
left join decisions.review_details as review_details using (praktijk_agb, discipline)
where profiles.outcome = 'INDIVIDUELE_BEOORDELING'
order by profiles.praktijk_agb, profiles.discipline
