-- The route of each unit through the decision table. Contract 6; policy: Inkoopsystematiek
-- and Nieuwe zorgaanbieder.
--   prior_contract:      a contract for the unit overlaps the prior year
--   declared_prior_year: at least one debet claim line (declaratiebedrag >= 0) in the prior year
--   aanvraagdatum:       the earliest application for the unit; on time when < application_deadline
with parameters as (
    select
        make_date(prior_year, 1, 1) as prior_year_start,
        make_date(prior_year, 12, 31) as prior_year_end,
        application_deadline
    from policy.parameters
),

contracted as (
    select distinct contracts.praktijk_agb, contracts.discipline
    from intermediate.unit_contracts as contracts
    cross join parameters
    where contracts.ingangsdatum <= parameters.prior_year_end
        and (contracts.einddatum is null or contracts.einddatum >= parameters.prior_year_start)
),

declared as (
    select distinct claim_lines.praktijk_agb, claim_lines.discipline
    from intermediate.claim_lines as claim_lines
    cross join parameters
    where claim_lines.declaratiebedrag >= 0
        and claim_lines.datum_prestatie between parameters.prior_year_start and parameters.prior_year_end
),

applied as (
    select praktijk_agb, discipline, min(aanvraagdatum) as aanvraagdatum
    from intermediate.unit_applications
    group by praktijk_agb, discipline
)

select
    units.praktijk_agb,
    units.discipline,
    contracted.praktijk_agb is not null as prior_contract,
    declared.praktijk_agb is not null as declared_prior_year,
    applied.aanvraagdatum,
    applied.aanvraagdatum is not null and applied.aanvraagdatum < parameters.application_deadline as applied_on_time
from intermediate.units as units
cross join parameters
left join contracted using (praktijk_agb, discipline)
left join declared using (praktijk_agb, discipline)
left join applied using (praktijk_agb, discipline)
