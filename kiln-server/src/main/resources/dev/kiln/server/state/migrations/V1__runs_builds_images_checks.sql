-- Kiln's state, version 1. Written for both SQLite and PostgreSQL: {{id}} is each one's
-- auto-generated key; times are milliseconds since the epoch; flags are 0/1 integers.
CREATE TABLE runs (
    id {{id}},
    kind TEXT NOT NULL,
    owner TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    status TEXT NOT NULL,
    summary TEXT
);
CREATE INDEX runs_started ON runs (started_at);
CREATE TABLE builds (
    id {{id}},
    run_id BIGINT NOT NULL REFERENCES runs (id),
    recipe TEXT NOT NULL,
    recipe_sha256 TEXT,
    started_at BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    result TEXT NOT NULL,
    outputs TEXT NOT NULL,
    log_path TEXT,
    message TEXT
);
CREATE INDEX builds_run ON builds (run_id);
CREATE INDEX builds_recipe ON builds (recipe, started_at);
CREATE TABLE image_publications (
    id {{id}},
    run_id BIGINT NOT NULL REFERENCES runs (id),
    image TEXT NOT NULL,
    reference TEXT NOT NULL,
    digest TEXT NOT NULL,
    pushed INTEGER NOT NULL,
    signed INTEGER NOT NULL,
    published_at BIGINT NOT NULL
);
CREATE INDEX image_publications_image ON image_publications (image, published_at);
CREATE TABLE upstream_checks (
    id {{id}},
    run_id BIGINT NOT NULL REFERENCES runs (id),
    recipe TEXT NOT NULL,
    package TEXT NOT NULL,
    current_version TEXT,
    newest_version TEXT,
    monitor TEXT,
    status TEXT NOT NULL,
    message TEXT,
    checked_at BIGINT NOT NULL
);
CREATE INDEX upstream_checks_run ON upstream_checks (run_id);
