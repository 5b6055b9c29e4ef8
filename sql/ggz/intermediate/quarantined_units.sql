-- The GGZ units that quarantined input rows are about (feeds the common rule INVOER_VOLLEDIG): a
-- row kept out of the run names an AGB code (of the instelling or one of its vestigingen,
-- intermediate.quarantine_links), traced here to the unit. Every kind of row counts, claim lines
-- included: a left-out claim line changes the institution's figures and possibly its segment.
-- Contract ggz-2021 5 (review).
select units.praktijk_agb, units.discipline, linked.file, linked.line
from intermediate.units as units
join intermediate.quarantine_links as linked using (praktijk_agb)
