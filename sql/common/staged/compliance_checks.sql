-- materialized: view (one reader, intermediate.compliance_latest: typed as it is read, not written twice)
-- Staged compliance checks per onderneming. Contract 3: compliance/checks.csv.
-- Policy: Voorwaarden en kwaliteitseisen voor een contract > Algemeen and Kwaliteit.
select
    onderneming_agb,
    "check",
    result,
    cast(peildatum as date) as peildatum,
    bron,
    _file,
    _line
from validated.compliance_checks
