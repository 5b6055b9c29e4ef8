-- The reviewer's decision and the eindbesluit of each unit (contract cycle 2), the columns
-- decisions.parquet of every domain ends with, in their order: written once here, read by the
-- exports as `besluit.* exclude (praktijk_agb, discipline)`.
select
    praktijk_agb,
    discipline,
    besluit,
    motivering,
    beoordelaar,
    beoordeeld_op,
    eindbesluit
from decisions.unit_outcomes
