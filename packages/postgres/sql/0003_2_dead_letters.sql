CREATE TABLE {{schema}}.dead_letters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  consumer text COLLATE "C" NOT NULL,
  stream_id text COLLATE "C" NOT NULL,
  revision bigint NOT NULL,
  position text,
  event_id text NOT NULL,
  type text NOT NULL,
  error text NOT NULL,
  attempts integer NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now()
)