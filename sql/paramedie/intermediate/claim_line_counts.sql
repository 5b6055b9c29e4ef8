-- The prior-year claim lines counted at a grain no policy parameter changes: per praktijk,
-- treating caregiver, code-list discipline, year of datum_prestatie, and debet (declaratiebedrag
-- >= 0) or credit. The one pass over the lines: they are kept in memory for the run only (suite
-- meta in_memory), so this table is what the database file keeps of them, and what a what-if with
-- another prior year reads. Contract 3, 4 and 6. Policy: Inkoopsystematiek (gedeclareerd in 2023).
select
    praktijk_agb,
    zorgverlener_agb,
    code_list_discipline,
    year(datum_prestatie) as jaar,
    declaratiebedrag >= 0 as debet,
    count(*) as regels
from staged.claims
group by praktijk_agb, zorgverlener_agb, code_list_discipline, jaar, debet
