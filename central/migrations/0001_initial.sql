-- The county's data: what buildings pushed (their statistics cells per day, their latest
-- live summary and public profile) and the central staff's sessions. Nothing here names a
-- visitor: the cells are the buildings' own anonymous aggregates.

CREATE TABLE stat_days (
    building     TEXT NOT NULL,
    day          DATE NOT NULL,
    -- 1: the day's cells from its visits' rows; 2: folded for good. The highest is kept.
    version      INTEGER NOT NULL,
    format       INTEGER NOT NULL,
    visits       INTEGER NOT NULL,
    legs         INTEGER NOT NULL,
    cells        BYTEA NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (building, day)
);

CREATE TABLE live_summaries (
    building     TEXT PRIMARY KEY,
    summary      JSONB NOT NULL,
    taken_at     TIMESTAMPTZ NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE profiles (
    building     TEXT PRIMARY KEY,
    profile      JSONB NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    account      TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL
);
