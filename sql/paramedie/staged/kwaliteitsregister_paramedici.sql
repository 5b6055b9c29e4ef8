-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged Kwaliteitsregister Paramedici rows (kwaliteits-, diploma- or deelregister).
-- Contract 3: registers/kwaliteitsregister_paramedici.csv. Policy: Overige verstrekkingen specifiek.
select
    kp_nummer,
    beroep,
    register,
    kwalificatie,
    cast(geldig_van as date) as geldig_van,
    cast(geldig_tot as date) as geldig_tot,
    _file,
    _line
from validated.kwaliteitsregister_paramedici
