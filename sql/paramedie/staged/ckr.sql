-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged Centraal Kwaliteitsregister rows (basis-, deel- or aantekeningregister).
-- Contract 3: registers/ckr.csv. Policy: Fysiotherapie specifiek.
select
    big_nummer,
    register,
    naam,
    cast(geldig_van as date) as geldig_van,
    cast(geldig_tot as date) as geldig_tot,
    _file,
    _line
from validated.ckr
