-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged insured people per 4-digit postcode area (optional input), for zorgplicht reviews.
select
    pc4,
    cast(aantal_verzekerden as integer) as aantal_verzekerden,
    _file,
    _line
from validated.insured_pc4
