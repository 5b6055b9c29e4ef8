-- materialized: view (read once, by the Parquet writer)
-- requested_offers.parquet: the units offered a contract because they applied: AANBOD_OP_AANVRAAG
-- (prior contract, no prior-year claims, applied on time, all checks pass), and units under review
-- with besluit AANBIEDEN that came by application (ZORGPLICHTTOETS, or INDIVIDUELE_BEOORDELING without
-- a prior contract and declarations; na_beoordeling). Contract 6 and 7, cycle 2.
select praktijk_agb, discipline, naam, kvk_nummer, contract_ingangsdatum, contract_einddatum, na_beoordeling
from decisions.unit_profiles
where eindbesluit = 'AANBIEDEN' and aanbodlijst = 'requested_offers'
order by praktijk_agb, discipline
