-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged contract applications. Contract 3: applications/applications.csv (both policies).
-- Policy: Nieuwe zorgaanbieder (paramedie: aanvragen tot 1 oktober 2023; GGZ: het hele jaar).
select
    praktijk_agb,
    discipline,
    cast(aanvraagdatum as date) as aanvraagdatum,
    _file,
    _line
from validated.applications
