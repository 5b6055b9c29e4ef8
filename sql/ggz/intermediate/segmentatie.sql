-- Segment per unit: offerte (quotation procedure, "voor ons grotere instellingen") when any one of
-- the three thresholds is met (>=): omzet_totaal >= offerte_min_omzet, or patienten_totaal >=
-- offerte_min_clienten, or marktaandeel >= offerte_min_marktaandeel; else digitaal (digital
-- contract). segment_redenen names the thresholds that were met.
-- Contract ggz-2021 2. Policy: Inkoopsystematiek ("op basis van onder meer marktaandeel, omzet en
-- aantallen klanten").
with parameters as (
    select offerte_min_omzet, offerte_min_clienten, offerte_min_marktaandeel from policy.parameters
),

met as (
    select
        cijfers.praktijk_agb,
        cijfers.discipline,
        list_filter([
            case when cijfers.omzet_totaal >= parameters.offerte_min_omzet then 'OMZET' end,
            case when cijfers.patienten_totaal >= parameters.offerte_min_clienten then 'CLIENTEN' end,
            case when cijfers.marktaandeel >= parameters.offerte_min_marktaandeel then 'MARKTAANDEEL' end
        ], lambda x: x is not null) as segment_redenen
    from intermediate.unit_cijfers as cijfers
    cross join parameters
)

select
    praktijk_agb,
    discipline,
    case when len(segment_redenen) > 0 then 'offerte' else 'digitaal' end as segment,
    segment_redenen
from met
