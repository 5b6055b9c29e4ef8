-- How an onderneming's rows map to units: an instelling has the single unit (agb, instelling),
-- a praktijk one unit per discipline. Contract 4.
select agb_code as praktijk_agb, organisatievorm = 'instelling' as is_instelling
from staged.ondernemingen
