-- Version 4: the fingerprint of what each publication was assembled from (config, repository indexes,
-- epoch, reference, assembler), so a run whose inputs did not change can skip assembling the image.
ALTER TABLE image_publications ADD COLUMN inputs_sha256 TEXT;
CREATE INDEX image_publications_inputs ON image_publications (image, inputs_sha256);
