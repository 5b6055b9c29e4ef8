-- One rule per compliance check code of the policy file (paramedie: KVK_INGESCHREVEN, ...; GGZ:
-- WTZI_TOEGELATEN, ...).
-- Policy: Voorwaarden en kwaliteitseisen voor een contract > Algemeen and Kwaliteit.
-- The latest row counts: pass -> pass, fail -> fail; no row at all -> review.
with required as (
    select units.praktijk_agb, units.discipline, checks."check"
    from intermediate.units as units
    cross join policy.compliance_checks as checks
)

select
    required.praktijk_agb,
    required.discipline,
    required."check" as rule,
    coalesce(latest.result, 'review') as result,
    case
        when latest.result is null then 'geen controle gevonden voor deze onderneming'
        else format('{} op {} (bron {})', latest.result, latest.peildatum, coalesce(latest.bron, 'onbekend'))
    end as detail,
    required."check" as reason_code
from required
left join intermediate.compliance_latest as latest
    on latest.onderneming_agb = required.praktijk_agb
    and latest."check" = required."check"
