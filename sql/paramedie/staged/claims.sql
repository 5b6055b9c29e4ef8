-- Staged prior-year claim lines (normalized layout), typed. The insured's BSN is
-- never loaded. Contract 3: claims/. Policy: Inkoopsystematiek (gedeclareerd in 2023).
select
    declaratie_id,
    praktijk_agb,
    zorgverlener_agb,
    cast(datum_prestatie as date) as datum_prestatie,
    prestatiecodelijst,
    prestatiecode,
    cast(aantal as integer) as aantal,
    cast(declaratiebedrag as decimal(18, 2)) as declaratiebedrag,
    uzovi,
    _file,
    _line
from raw.claims
