package io.sluice.jdbc.dialect;

import java.time.ZoneId;
import java.util.Locale;

/** Picks the dialect from {@code dialect.name} or, when that is empty, from the JDBC URL. */
public final class DatabaseDialects {

    public static final String POSTGRES = "PostgreSqlDatabaseDialect";
    public static final String MYSQL = "MySqlDatabaseDialect";
    public static final String GENERIC = "GenericDatabaseDialect";

    private DatabaseDialects() {
    }

    public static DatabaseDialect create(String dialectName, String url, ZoneId zone) {
        String name = dialectName == null || dialectName.isBlank() ? fromUrl(url) : dialectName;
        return switch (name) {
            case POSTGRES -> new PostgresDialect(zone);
            case MYSQL -> new MySqlDialect(zone);
            case GENERIC -> new AnsiDialect(zone);
            default -> throw new IllegalArgumentException("Unknown dialect.name '" + name + "'; use one of "
                    + POSTGRES + ", " + MYSQL + ", " + GENERIC + " or leave it empty");
        };
    }

    static String fromUrl(String url) {
        String u = url == null ? "" : url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        if (u.startsWith("jdbc:mysql:") || u.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        return GENERIC;
    }
}
