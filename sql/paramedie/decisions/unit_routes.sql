-- The route of each unit through the decision table. Contract 6; policy: Inkoopsystematiek
-- and Nieuwe zorgaanbieder.
--   prior_contract:      a contract for the unit overlaps the prior year
--   declared_prior_year: at least one debet claim line (declaratiebedrag >= 0) in the prior year
--   aanvraagdatum:       contract cycle 1.1: the latest application inside the window
--                        (application_window_start <= aanvraagdatum < application_deadline), on time;
--                        when there is none, the earliest on or after the deadline (late). An
--                        application before the window is stale and ignored, as if it did not exist.
--   running_contract:    contract cycle 1.4: a contract covers the whole contract year
--                        (ingangsdatum <= 1 January, einddatum empty or >= 31 December)
with parameters as (
    select
        make_date(prior_year, 1, 1) as prior_year_start,
        make_date(prior_year, 12, 31) as prior_year_end,
        make_date(contract_year, 1, 1) as contract_year_start,
        make_date(contract_year, 12, 31) as contract_year_end,
        application_window_start,
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
    select praktijk_agb, discipline from intermediate.unit_claims where declared_prior_year
),

applied as (
    select
        applications.praktijk_agb,
        applications.discipline,
        coalesce(
            max(applications.aanvraagdatum) filter (where applications.aanvraagdatum < parameters.application_deadline),
            min(applications.aanvraagdatum)
        ) as aanvraagdatum
    from intermediate.unit_applications as applications
    cross join parameters
    where applications.aanvraagdatum >= parameters.application_window_start
    group by applications.praktijk_agb, applications.discipline
),

running as (
    -- the running contract that reaches furthest (of two as far, the later start); its dates go on
    -- the decision. A struct orders by its fields in turn, so the choice never depends on row order.
    select
        contracts.praktijk_agb,
        contracts.discipline,
        max({'einde': coalesce(contracts.einddatum, date '9999-12-31'), 'ingang': contracts.ingangsdatum}) as lopend
    from intermediate.unit_contracts as contracts
    cross join parameters
    where contracts.ingangsdatum <= parameters.contract_year_start
        and (contracts.einddatum is null or contracts.einddatum >= parameters.contract_year_end)
    group by contracts.praktijk_agb, contracts.discipline
)

select
    units.praktijk_agb,
    units.discipline,
    contracted.praktijk_agb is not null as prior_contract,
    declared.praktijk_agb is not null as declared_prior_year,
    applied.aanvraagdatum,
    applied.aanvraagdatum is not null and applied.aanvraagdatum < parameters.application_deadline as applied_on_time,
    running.praktijk_agb is not null as running_contract,
    running.lopend.ingang as running_ingangsdatum,
    nullif(running.lopend.einde, date '9999-12-31') as running_einddatum
from intermediate.units as units
cross join parameters
left join contracted using (praktijk_agb, discipline)
left join declared using (praktijk_agb, discipline)
left join applied using (praktijk_agb, discipline)
left join running using (praktijk_agb, discipline)
