CREATE TRIGGER streams_keep_tombstone BEFORE UPDATE ON {{schema}}.streams
FOR EACH ROW WHEN (OLD.revision < 0) EXECUTE FUNCTION {{schema}}.keep_tombstone()
