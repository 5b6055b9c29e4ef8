-- materialized: view (hundreds of thousands of rows that rules.stacked reads once)
-- One rule per compliance check code of the policy file (paramedie: KVK_INGESCHREVEN, ...; GGZ:
-- WTZI_TOEGELATEN, ...).
-- Policy: Voorwaarden en kwaliteitseisen voor een contract > Algemeen and Kwaliteit.
-- The latest row counts: pass -> pass, fail -> fail; no row at all -> review. Contract cycle 1.3:
-- a latest row older than compliance_max_age_months before the peildatum counts as no row (review,
-- the detail gives its date).
with parameters as (
    select
        cast(peildatum - to_months(compliance_max_age_months) as date) as oudste_peildatum,
        compliance_max_age_months
    from policy.parameters
),

required as (
    select units.praktijk_agb, units.discipline, checks."check"
    from intermediate.units as units
    cross join policy.compliance_checks as checks
),

judged as (
    select
        required.*,
        latest.result,
        latest.peildatum,
        latest.bron,
        latest.peildatum < parameters.oudste_peildatum as te_oud,
        parameters.oudste_peildatum,
        parameters.compliance_max_age_months
    from required
    cross join parameters
    left join intermediate.compliance_latest as latest
        on latest.onderneming_agb = required.praktijk_agb
        and latest."check" = required."check"
)

select
    praktijk_agb,
    discipline,
    "check" as rule,
    case when result is null or te_oud then 'review' else result end as result,
    case
        when result is null then 'geen controle gevonden voor deze onderneming'
        when te_oud then format('laatste controle ({} op {}, bron {}) is ouder dan {} maanden: telt niet, controle van {} of later nodig',
            result, peildatum, coalesce(bron, 'onbekend'), compliance_max_age_months, oudste_peildatum)
        else result || ' op ' || cast(peildatum as varchar) || ' (bron ' || coalesce(bron, 'onbekend') || ')'  -- format() costs twice as much here
    end as detail,
    "check" as reason_code
from judged
