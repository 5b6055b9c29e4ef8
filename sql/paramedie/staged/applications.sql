-- Staged contract applications. Contract 3: applications/applications.csv.
-- Policy: Nieuwe zorgaanbieder (aanvragen tot 1 oktober 2023).
select
    praktijk_agb,
    discipline,
    cast(aanvraagdatum as date) as aanvraagdatum,
    _file,
    _line
from validated.applications
