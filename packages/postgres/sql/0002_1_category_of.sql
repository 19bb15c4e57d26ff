CREATE OR REPLACE FUNCTION {{schema}}.category_of(p_stream_id text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $category$
  SELECT regexp_replace(substring(p_stream_id FROM '^(?:[^\\-]|\\.)*\\?'), '\\(.)', '\1', 'g')
$category$