-- materialized: view (read once, by the Parquet writer)
-- unanswered_offers.parquet for GGZ: the common list, with the unit's AGB code named instelling_agb
-- as in every GGZ export. Contract cycle 3.
select praktijk_agb as instelling_agb, discipline, naam, aanbodlijst, na_beoordeling, uiterste_tekendatum
from decisions.unanswered_offers
order by instelling_agb, discipline
