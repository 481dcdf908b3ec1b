-- The escalation ladder (督办阶梯, issue 11). A case's open escalation (升级), as the domain's
-- fold keeps it: to whom ('' = every supervisor; names comma-joined) and who took it. NULL: none.
-- Written by the snapshot (format 5 rebuilds every row on open).
ALTER TABLE cases ADD COLUMN escalated_to TEXT;
ALTER TABLE cases ADD COLUMN escalation_taken_by TEXT;
-- A desktop alert for one user: the ladder's alerts and escalations go to the supervisors on
-- duty, not to everyone whose store holds the case. '' = whoever the store's alert scope covers;
-- '*' = every supervisor.
ALTER TABLE alerts ADD COLUMN for_user TEXT NOT NULL DEFAULT '';
