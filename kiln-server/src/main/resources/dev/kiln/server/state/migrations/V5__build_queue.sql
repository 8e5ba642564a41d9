-- Version 5: the build queue that workers share (kiln worker). A job is one recipe built from one set of
-- inputs; (recipe, inputs_sha256) is unique so reconcilers racing to enqueue the same build add it once.
-- A job runs when every job it depends on succeeded. A running job is leased: its worker extends
-- lease_expires_at while it builds, and a job whose lease expired may be claimed again; attempts counts claims,
-- and the claim that completes must still hold the lease (same owner, same attempt).
CREATE TABLE jobs (
    id {{id}},
    recipe TEXT NOT NULL,
    inputs_sha256 TEXT NOT NULL,
    arch TEXT NOT NULL,
    source_date_epoch BIGINT NOT NULL,
    recipe_yaml TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    enqueued_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    message TEXT,
    published_at BIGINT,
    UNIQUE (recipe, inputs_sha256)
);
CREATE INDEX jobs_state ON jobs (state, id);
CREATE TABLE job_dependencies (
    job_id BIGINT NOT NULL REFERENCES jobs (id),
    depends_on BIGINT NOT NULL REFERENCES jobs (id),
    PRIMARY KEY (job_id, depends_on)
);
CREATE INDEX job_dependencies_depends_on ON job_dependencies (depends_on);
-- what a completed job made: each file by name, kind (apk, log) and the digest of its bytes in the output store
CREATE TABLE job_outputs (
    job_id BIGINT NOT NULL REFERENCES jobs (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    digest TEXT NOT NULL,
    size BIGINT NOT NULL,
    PRIMARY KEY (job_id, name)
);
-- one row per claim: who ran it and how it ended (SUCCEEDED, FAILED, REFUSED, EXPIRED, LOST)
CREATE TABLE job_attempts (
    job_id BIGINT NOT NULL REFERENCES jobs (id),
    attempt INTEGER NOT NULL,
    worker TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    outcome TEXT,
    message TEXT,
    PRIMARY KEY (job_id, attempt)
);
