-- Cost-intensive patients: SGGZ revenue of the patient at the institution in the reference year
-- strictly above kostenintensief_drempel (a patient exactly at the threshold stays in). They are
-- left out of the ceiling and of the maximum revenue per unique patient.
-- Contract ggz-2021 4. Policy: Inkoopsystematiek > Excluderen kostenintensieve patiënten.
with parameters as (
    select cast(kostenintensief_drempel as decimal(18, 2)) as drempel from policy.parameters
)

select patients.instelling_agb, patients.patient_pseudonym, patients.omzet
from intermediate.patienten_per_zorgtype as patients
cross join parameters
where patients.zorgtype = 'SGGZ' and patients.omzet > parameters.drempel
