-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged AGB relaties: which zorgverlener works at which vestiging, and when.
-- Contract 3: agb/relaties.csv.
select
    zorgverlener_agb,
    vestiging_agb,
    cast(aanvang as date) as aanvang,
    cast(einde as date) as einde,
    _file,
    _line
from validated.relaties
