-- Version 2: what each published image holds, for the catalog. Contents and documents are keyed
-- by the image's index digest, so an image republished unchanged is stored once.
ALTER TABLE image_publications ADD COLUMN compressed_size BIGINT;
ALTER TABLE image_publications ADD COLUMN package_count INTEGER;
CREATE TABLE image_packages (
    digest TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    license TEXT,
    origin TEXT,
    PRIMARY KEY (digest, name)
);
CREATE TABLE image_documents (
    digest TEXT NOT NULL,
    kind TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (digest, kind)
);
CREATE INDEX image_publications_digest ON image_publications (digest);
-- the main package a build made (the recipe's name when it failed), for a package's history
ALTER TABLE builds ADD COLUMN package TEXT;
CREATE INDEX builds_package ON builds (package, id);
CREATE INDEX upstream_checks_package ON upstream_checks (package, id);
