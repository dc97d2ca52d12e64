-- A withdrawn image's file is deleted once no guest uses it; the row stays, for the guests' history and the audit.
ALTER TABLE image ADD COLUMN file_removed_at TIMESTAMP WITH TIME ZONE;
