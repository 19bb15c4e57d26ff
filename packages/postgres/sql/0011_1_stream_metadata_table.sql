CREATE TABLE IF NOT EXISTS {{schema}}.stream_metadata (
  stream_id text PRIMARY KEY,
  revision bigint NOT NULL,
  metadata json NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)
