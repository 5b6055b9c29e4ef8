-- Acceptances attached to their unit (contract cycle 3). A unit is (praktijk_agb, discipline) as
-- written; paramedie overrides this model to map an instelling's acceptance onto its single unit.
select praktijk_agb, discipline, geaccepteerd_op, _file, _line
from staged.acceptances
