-- Migration 10 (tombstones, delete events): the trigger function that keeps a tombstone. A hard-deleted stream keeps
-- its head row with revision -1; an update of such a row is skipped (a BEFORE trigger returning NULL), so a head
-- statement of append_events and append_events_tx finds no row to move, reads the head again and reports a conflict
-- with the actual revision -1, which the client turns into 'deleted'. Placeholders: {{schema}} (quoted identifier).
CREATE OR REPLACE FUNCTION {{schema}}.keep_tombstone() RETURNS trigger
LANGUAGE plpgsql AS $keep$
BEGIN
  RETURN NULL;
END
$keep$
