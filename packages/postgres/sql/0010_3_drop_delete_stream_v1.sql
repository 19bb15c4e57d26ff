DROP FUNCTION IF EXISTS {{schema}}.delete_stream(text, integer, bigint)
