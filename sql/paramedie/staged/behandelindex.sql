-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged landelijke behandel-index (BI) rows. Contract 3: behandelindex/behandelindex.csv.
-- Policy: Fysiotherapie specifiek. An empty bi means no spiegelinformatie.
select
    praktijk_agb,
    cast(jaar as integer) as jaar,
    versie,
    cast(bi as double) as bi,
    cast(aantal_patienten as integer) as aantal_patienten,
    _file,
    _line
from validated.behandelindex
