-- Vestigingen valid on the peildatum (aanvang <= peildatum, einde empty or >= peildatum).
-- Contract 4 "valid on the peildatum"; policy parameter peildatum.
with parameters as (
    select peildatum from policy.parameters
)

select vestigingen.*
from staged.vestigingen as vestigingen
cross join parameters
where vestigingen.aanvang <= parameters.peildatum
    and (vestigingen.einde is null or vestigingen.einde >= parameters.peildatum)
