-- Version 3: what the scan stage found in each image (keyed by the image's index digest, like its
-- contents), the comparison with a conventional image, and per package what depends on it and which
-- patches it carries (replaced whole by every run that computes them).
CREATE TABLE image_scans (
    digest TEXT PRIMARY KEY,
    scanned_at BIGINT NOT NULL,
    critical_count INTEGER NOT NULL,
    high_count INTEGER NOT NULL,
    medium_count INTEGER NOT NULL,
    low_count INTEGER NOT NULL,
    unknown_count INTEGER NOT NULL,
    advisories_as_of BIGINT,
    sources TEXT NOT NULL,
    warnings TEXT NOT NULL
);
CREATE TABLE image_vulnerabilities (
    digest TEXT NOT NULL,
    id TEXT NOT NULL,
    package TEXT NOT NULL,
    version TEXT NOT NULL,
    severity TEXT NOT NULL,
    fixed_version TEXT,
    state TEXT NOT NULL,
    vex_status TEXT NOT NULL,
    detail TEXT,
    PRIMARY KEY (digest, id, package)
);
CREATE TABLE image_comparisons (
    digest TEXT PRIMARY KEY,
    compared_with TEXT NOT NULL,
    own_compressed BIGINT NOT NULL,
    own_uncompressed BIGINT NOT NULL,
    own_packages INTEGER NOT NULL,
    own_cves INTEGER NOT NULL,
    other_compressed BIGINT NOT NULL,
    other_uncompressed BIGINT NOT NULL,
    other_packages INTEGER NOT NULL,
    other_cves INTEGER NOT NULL
);
CREATE TABLE package_dependents (
    package TEXT NOT NULL,
    dependent TEXT NOT NULL,
    direct INTEGER NOT NULL,
    PRIMARY KEY (package, dependent)
);
CREATE TABLE package_patches (
    package TEXT NOT NULL,
    patch TEXT NOT NULL,
    reason TEXT NOT NULL,
    advisories TEXT NOT NULL,
    since BIGINT,
    PRIMARY KEY (package, patch)
);
