-- requested_offers.parquet: the AANBOD_OP_AANVRAAG units (prior contract, no prior-year claims,
-- applied on time, all checks pass). Contract 6 and 7.
select praktijk_agb, discipline, naam, kvk_nummer, contract_ingangsdatum, contract_einddatum
from decisions.unit_profiles
where outcome = 'AANBOD_OP_AANVRAAG'
order by praktijk_agb, discipline
