-- materialized: view (read once, by the Parquet writer)
-- unanswered_offers.parquet: the offers without an acceptance that counts, written by the
-- publication (and by the run, where no acceptance is in yet). Contract cycle 3.
select praktijk_agb, discipline, naam, aanbodlijst, na_beoordeling, uiterste_tekendatum
from decisions.unanswered_offers
order by praktijk_agb, discipline
