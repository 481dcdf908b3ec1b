-- Whether a case's nearest due rests on provisional calendar days (a year whose State Council
-- notice is not imported yet): the queue marks it 暂定. Written by the snapshot with next_due.
ALTER TABLE cases ADD COLUMN due_provisional INTEGER NOT NULL DEFAULT 0;
-- The same for each alert point's due, so the notification can say 时限 … （暂定）.
ALTER TABLE alerts ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
