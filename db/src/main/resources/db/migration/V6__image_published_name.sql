-- Published images have unique names; a withdrawn image frees its name for a successor. The name is copied into
-- published_name while the image is published and cleared when it is withdrawn: a plain UNIQUE constraint then
-- holds (NULLs never collide on H2 or PostgreSQL), so two admins publishing the same name at once cannot both win.
ALTER TABLE image ADD COLUMN published_name VARCHAR(64);

UPDATE image SET published_name = name WHERE withdrawn_at IS NULL;

ALTER TABLE image ADD CONSTRAINT image_published_name_unique UNIQUE (published_name);
