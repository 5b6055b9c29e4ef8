-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged reviewers' decisions on the units under review (optional input reviews/beoordelingen.csv,
-- written by `zorginkoop reviews import` from selectie.xlsx). Contract cycle 2.
select
    praktijk_agb,
    discipline,
    besluit,
    trim(motivering) as motivering,
    trim(beoordelaar) as beoordelaar,
    cast(beoordeeld_op as date) as beoordeeld_op,
    _file,
    _line
from validated.reviews
