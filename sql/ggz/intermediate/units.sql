-- The units of the GGZ run: (instelling_agb, ggz) for every GGZ-instelling in the AGB register and
-- every AGB code in contracts or applications. Kept as (praktijk_agb, discipline) inside the run so
-- the shared rules (sql/common/rules) apply; exports name the column instelling_agb.
-- Contract ggz-2021 4.
select instelling_agb as praktijk_agb, 'ggz' as discipline from intermediate.ggz_instellingen
union
select praktijk_agb, 'ggz' from staged.contracts
union
select praktijk_agb, 'ggz' from staged.applications
