-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged AGB ondernemingen (praktijken and instellingen), typed.
-- Contract 3: agb/ondernemingen.csv. Policy: Voorwaarden > Algemeen (AGB-register).
select
    agb_code,
    naam,
    kvk_nummer,
    zorgsoort,
    organisatievorm,
    cast(aanvang as date) as aanvang,
    cast(einde as date) as einde,
    straat,
    huisnummer,
    huisnummer_toevoeging,
    postcode,
    plaats,
    _file,
    _line
from validated.ondernemingen
