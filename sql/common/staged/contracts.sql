-- materialized: view (typing as it is read: a cast is cheaper than writing the rows again)
-- Staged contracts of earlier years. Contract 3: contracts/contracts.csv (both policies).
-- Policy: Inkoopsystematiek (paramedie: overeenkomst voor 2023; GGZ: lopende overeenkomst 2020-2021).
select
    praktijk_agb,
    discipline,
    cast(ingangsdatum as date) as ingangsdatum,
    cast(einddatum as date) as einddatum,
    _file,
    _line
from validated.contracts
