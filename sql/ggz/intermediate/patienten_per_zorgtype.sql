-- Revenue per institution, zorgtype and patient in the reference year: claim lines whose
-- einddatum falls in reference_year, credits counted with their sign. A patient counts as a
-- unique patient of a zorgtype when the net revenue is above zero (a fully credited DBC is no
-- care we paid for). Contract ggz-2021 4 (figures). Policy: Inkoopsystematiek > Omzetplafond.
with parameters as (
    select reference_year from policy.parameters
)

select
    claims.instelling_agb,
    claims.zorgtype,
    claims.patient_pseudonym,
    sum(claims.declaratiebedrag) as omzet,
    count(*) as regels
from staged.claims as claims
cross join parameters
where year(claims.einddatum) = parameters.reference_year
group by claims.instelling_agb, claims.zorgtype, claims.patient_pseudonym
