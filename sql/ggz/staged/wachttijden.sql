-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged waiting times per institution and diagnosegroep (optional input), typed.
-- Contract ggz-2021 3: wachttijden/wachttijden.csv. Policy: Dit vinden wij belangrijk > Wachttijden.
select
    instelling_agb,
    diagnosegroep,
    cast(aanmeldingswachttijd_weken as decimal(9, 2)) as aanmeldingswachttijd_weken,
    cast(behandelwachttijd_weken as decimal(9, 2)) as behandelwachttijd_weken,
    cast(peildatum as date) as peildatum,
    _file,
    _line
from validated.wachttijden
