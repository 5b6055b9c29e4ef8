-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged BIG-register rows. Contract 3: registers/big.csv.
-- Policy: Fysiotherapie specifiek, BIG-geregistreerd (art. 3 wet BIG).
select
    big_nummer,
    beroep,
    status,
    cast(aanvang as date) as aanvang,
    cast(einde as date) as einde,
    _file,
    _line
from validated.big
