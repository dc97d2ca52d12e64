package io.kvmportal.persistence;

import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A thin JDBC helper for repositories. We write plain, portable SQL by hand instead of generating it, because
 * the same compiled repositories must run on H2 and PostgreSQL, chosen only by configuration. Values always go
 * in as bind parameters, never into the SQL text. Callers run inside a service's transaction, whose connection
 * the injected (transaction-aware) DataSource hands out.
 */
@Singleton
public class Sql {
    private final DataSource dataSource;

    public Sql(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Maps the current row of a result set to a value. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, false, parameters);
             ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        } catch (SQLException e) {
            throw new DataAccessException(sql, e);
        }
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... parameters) {
        List<T> rows = list(sql, mapper, parameters);
        if (rows.size() > 1) {
            throw new IllegalStateException("Expected at most one row, got " + rows.size() + ": " + sql);
        }
        return rows.stream().findFirst();
    }

    public long count(String sql, Object... parameters) {
        return one(sql, row -> row.getLong(1), parameters).orElse(0L);
    }

    /** Runs an INSERT and answers the generated {@code id}. */
    public long insert(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, true, parameters)) {
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new IllegalStateException("No generated key: " + sql);
                }
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw new DataAccessException(sql, e);
        }
    }

    /** Runs an UPDATE or DELETE and answers how many rows it touched. */
    public int update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, false, parameters)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new DataAccessException(sql, e);
        }
    }

    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static PreparedStatement prepare(Connection connection, String sql, boolean returnKeys,
                                             Object... parameters) throws SQLException {
        PreparedStatement statement = returnKeys
                ? connection.prepareStatement(sql, new String[] {"id"})
                : connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            Object value = parameters[i];
            if (value instanceof Instant instant) {
                value = instant.atOffset(ZoneOffset.UTC);
            } else if (value instanceof Enum<?> constant) {
                value = constant.name();
            }
            statement.setObject(i + 1, value);
        }
        return statement;
    }

}
