-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged AGB zorgverleners (caregivers), typed; kwalificaties split into a list.
-- Contract 3: agb/zorgverleners.csv.
select
    agb_code as zorgverlener_agb,
    voorletters,
    tussenvoegsel,
    achternaam,
    zorgsoort,
    coalesce(string_split(kwalificaties, ';'), []) as kwalificaties,
    big_nummer,
    kp_nummer,
    cast(aanvang as date) as aanvang,
    cast(einde as date) as einde,
    _file,
    _line
from validated.zorgverleners
