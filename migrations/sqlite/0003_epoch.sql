-- The server database's epoch the cursor belongs to (a restore from backup starts a new one).
ALTER TABLE sync_state ADD COLUMN epoch TEXT;
