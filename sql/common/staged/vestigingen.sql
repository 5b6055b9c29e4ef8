-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged AGB vestigingen (the locations of an onderneming), typed.
-- Contract 3: agb/vestigingen.csv.
select
    agb_code as vestiging_agb,
    onderneming_agb,
    naam,
    straat,
    huisnummer,
    huisnummer_toevoeging,
    postcode,
    plaats,
    cast(aanvang as date) as aanvang,
    cast(einde as date) as einde,
    _file,
    _line
from validated.vestigingen
