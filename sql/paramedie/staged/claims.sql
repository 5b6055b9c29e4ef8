-- materialized: view (millions of lines, read once by intermediate.claim_line_counts)
-- Staged prior-year claim lines (normalized extracts and PM304 files), typed. The insured
-- is only a keyed pseudonym: the BSN never reaches DuckDB. Claim discipline from the code
-- lists: a per-discipline prestatiecodelijst, else the treating caregiver's AGB zorgsoort
-- (first two digits; empty for zorgsoort 90, resolved later against the AGB register).
-- Contract 3 and 4: claims/. Policy: Inkoopsystematiek (gedeclareerd in 2023).
with lists as (
    select prestatiecodelijst, discipline from seeds.prestatiecodelijsten where discipline is not null
),

by_agb_prefix as (
    select zorgsoort, discipline from seeds.agb_disciplines where kwalificatie is null
)

select
    declaratie_id,
    praktijk_agb,
    zorgverlener_agb,
    patient_pseudonym,
    cast(datum_prestatie as date) as datum_prestatie,
    prestatiecodelijst,
    prestatiecode,
    cast(aantal as integer) as aantal,
    cast(declaratiebedrag as decimal(18, 2)) as declaratiebedrag,
    uzovi,
    coalesce(lists.discipline, by_agb_prefix.discipline) as code_list_discipline,
    _file,
    _line
from validated.claims as claims
left join lists using (prestatiecodelijst)
-- substr, not left(): left() finds grapheme clusters, per line a fifth of the claim groups' time at
-- market; a validated AGB code is 8 ASCII digits, so both take the same two characters.
left join by_agb_prefix on by_agb_prefix.zorgsoort = substr(claims.zorgverlener_agb, 1, 2)
