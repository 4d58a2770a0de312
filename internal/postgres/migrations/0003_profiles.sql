-- 0003: recruiters' API keys (the hash of their secret only) and the
-- profiles each key stored: personal data, out of every search path. A
-- key's deletion erases its profiles.
CREATE TABLE api_keys (
    id         text        PRIMARY KEY,
    name       text        NOT NULL,
    role       text        NOT NULL,
    hash       text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE profiles (
    owner      text        NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    id         text        NOT NULL,
    doc        jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner, id)
);
