package io.kvmportal.image;

import io.kvmportal.persistence.Sql;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads and writes {@code image}. */
@Singleton
class ImageRepository {
    private static final String COLUMNS = "id, name, description, os, kind, format, virtual_bytes, min_memory_mib,"
            + " min_disk_gib, published_at, withdrawn_at, file_removed_at";
    private final Sql sql;

    ImageRepository(Sql sql) {
        this.sql = sql;
    }

    /** Where the image's file is in the host's store. */
    record StoreRef(String storeId, String format, long fileBytes, long virtualBytes) {
    }

    /** Breaks the UNIQUE constraint on published names if another published image has the name. */
    long insert(Image image, String storeId, long fileBytes, Long publishedBy) {
        return sql.insert("INSERT INTO image (name, published_name, description, os, kind, format, store_id,"
                        + " file_bytes, virtual_bytes, min_memory_mib, min_disk_gib, published_by, published_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", image.name(), image.name(),
                image.description(), image.os(), image.kind(), image.format(), storeId, fileBytes, image.virtualBytes(),
                image.minMemoryMib(), image.minDiskGib(), publishedBy, image.publishedAt());
    }

    List<Image> findAll(boolean withWithdrawn) {
        return sql.list("SELECT " + COLUMNS + " FROM image" + (withWithdrawn ? "" : " WHERE withdrawn_at IS NULL")
                + " ORDER BY name", ImageRepository::map);
    }

    Optional<Image> findById(long id) {
        return sql.one("SELECT " + COLUMNS + " FROM image WHERE id = ?", ImageRepository::map, id);
    }

    boolean existsNamed(String name) {
        return sql.count("SELECT COUNT(*) FROM image WHERE name = ?", name) > 0;
    }

    boolean publishedNameTaken(String name) {
        return sql.count("SELECT COUNT(*) FROM image WHERE published_name = ?", name) > 0;
    }

    /** Guests per image, of every user; images without guests are missing. */
    Map<Long, Long> guestCounts() {
        Map<Long, Long> counts = new HashMap<>();
        sql.list("SELECT image_id, COUNT(*) FROM guest WHERE image_id IS NOT NULL GROUP BY image_id",
                row -> counts.put(row.getLong(1), row.getLong(2)));
        return counts;
    }

    Optional<StoreRef> storeRef(long id) {
        return sql.one("SELECT store_id, format, file_bytes, virtual_bytes FROM image WHERE id = ?",
                row -> new StoreRef(row.getString(1).strip(), row.getString(2), row.getLong(3), row.getLong(4)), id);
    }

    boolean withdraw(long id, Instant now) {
        return sql.update("UPDATE image SET withdrawn_at = ?, published_name = NULL WHERE id = ?"
                + " AND withdrawn_at IS NULL", now, id) == 1;
    }

    /**
     * Locks a withdrawn image whose file is still there, so that the guest count read next stays true until the file
     * is gone: a second removal of the same image waits here and then finds nothing to do.
     */
    Optional<StoreRef> lockWithdrawnFile(long id) {
        return sql.one("SELECT store_id, format, file_bytes, virtual_bytes FROM image WHERE id = ?"
                        + " AND withdrawn_at IS NOT NULL AND file_removed_at IS NULL FOR UPDATE",
                row -> new StoreRef(row.getString(1).strip(), row.getString(2), row.getLong(3), row.getLong(4)), id);
    }

    /** Locks a published image's row; false if it is withdrawn or missing. */
    boolean lockPublished(long id) {
        return sql.one("SELECT id FROM image WHERE id = ? AND withdrawn_at IS NULL FOR UPDATE",
                row -> row.getLong(1), id).isPresent();
    }

    long guestCount(long id) {
        return sql.count("SELECT COUNT(*) FROM guest WHERE image_id = ?", id);
    }

    void markFileRemoved(long id, Instant now) {
        sql.update("UPDATE image SET file_removed_at = ? WHERE id = ?", now, id);
    }

    /** Withdrawn images whose file is still kept: their last guest may have gone while the portal was down. */
    List<Long> withdrawnWithFile() {
        return sql.list("SELECT id FROM image WHERE withdrawn_at IS NOT NULL AND file_removed_at IS NULL",
                row -> row.getLong(1));
    }

    private static Image map(ResultSet row) throws SQLException {
        return new Image(row.getLong("id"), row.getString("name"), row.getString("description"), row.getString("os"),
                ImageKind.valueOf(row.getString("kind")), row.getString("format"), row.getLong("virtual_bytes"),
                row.getInt("min_memory_mib"), row.getInt("min_disk_gib"), Sql.instant(row, "published_at"),
                Sql.instant(row, "withdrawn_at"), Sql.instant(row, "file_removed_at"));
    }
}
