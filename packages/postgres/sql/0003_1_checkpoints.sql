CREATE TABLE {{schema}}.checkpoints (
  consumer text COLLATE "C" PRIMARY KEY,
  checkpoint text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)