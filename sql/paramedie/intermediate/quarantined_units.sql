-- The units that quarantined input rows are about (feeds the common rule INVOER_VOLLEDIG): every
-- unit of the praktijk a kept-out row names, except that a kept-out claim line only counts when
-- the unit has no prior-year declaration without it (a left-out claim line can only matter then).
-- Contract paramedie-2024 5 (review); issue "nothing silently wrong".
with declared as (
    select praktijk_agb, discipline from intermediate.unit_claims where declared_prior_year
)

select units.praktijk_agb, units.discipline, quarantined.file, quarantined.line
from intermediate.units as units
join intermediate.quarantined_praktijken as quarantined using (praktijk_agb)
left join declared using (praktijk_agb, discipline)
where not quarantined.from_claims or declared.praktijk_agb is null
