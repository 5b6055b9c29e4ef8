-- Staged contracts of earlier years. Contract 3: contracts/contracts.csv.
-- Policy: Inkoopsystematiek (overeenkomst voor 2023).
select
    praktijk_agb,
    discipline,
    cast(ingangsdatum as date) as ingangsdatum,
    cast(einddatum as date) as einddatum,
    _file,
    _line
from validated.contracts
