CREATE TABLE {{schema}}.streams (
  stream_id text COLLATE "C" PRIMARY KEY,
  revision bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
)