-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged contracts accepted in VECOZO (optional input). Contract 3 and 7 (zorgzoeker definitief).
select
    praktijk_agb,
    discipline,
    cast(geaccepteerd_op as date) as geaccepteerd_op,
    _file,
    _line
from validated.acceptances
