-- proactive_offers.parquet: the PROACTIEF_AANBOD units, the list that goes out through VECOZO.
-- Contract 7; policy: Inkoopsystematiek ("dan benaderen wij u proactief").
select praktijk_agb, discipline, naam, kvk_nummer, contract_ingangsdatum, contract_einddatum
from decisions.unit_profiles
where outcome = 'PROACTIEF_AANBOD'
order by praktijk_agb, discipline
