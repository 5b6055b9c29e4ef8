-- materialized: view (read once, by the Parquet writer)
-- proactive_offers.parquet: the units offered a contract on the proactive list that goes out through
-- VECOZO: PROACTIEF_AANBOD, and units under review with besluit AANBIEDEN that had a prior contract
-- and declarations (na_beoordeling). Contract 7 and cycle 2; policy: Inkoopsystematiek ("dan
-- benaderen wij u proactief").
select praktijk_agb, discipline, naam, kvk_nummer, contract_ingangsdatum, contract_einddatum, na_beoordeling
from decisions.unit_profiles
where eindbesluit = 'AANBIEDEN' and aanbodlijst = 'proactive_offers'
order by praktijk_agb, discipline
