-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged GGZ claim lines (DBC-zorgproducten) of earlier years, typed. The insured is only a keyed
-- pseudonym: the BSN never reaches DuckDB. A credit is a line with a negative declaratiebedrag.
-- Contract ggz-2021 3: claims/. Policy: Inkoopsystematiek (omzetplafond "afgestemd op historische gegevens").
select
    declaratie_id,
    instelling_agb,
    patient_pseudonym,
    zorgtype,
    cast(startdatum as date) as startdatum,
    cast(einddatum as date) as einddatum,
    cast(declaratiebedrag as decimal(18, 2)) as declaratiebedrag,
    _file,
    _line
from validated.claims
