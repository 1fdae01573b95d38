package io.sluice.jdbc.cdc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The database's types by OID, read from {@code pg_type} and {@code pg_enum}: names, arrays' element types, domains'
 * base types and enums' labels. Relation messages and the catalog name columns by type OID only; the registry is
 * read again when an OID it does not know turns up (a type created since) or when asked to (enum labels added).
 */
final class PgTypes {
    /** One type: typtype is 'b' base, 'e' enum, 'd' domain, 'c' composite, 'r' range, 'p' pseudo. */
    record PgType(int oid, String name, char typtype, int elementOid, int baseOid, int baseTypeModifier,
                  List<String> enumLabels) {
        boolean isArray() {
            return elementOid != 0 && name.startsWith("_");
        }
    }

    private volatile Map<Integer, PgType> types = Map.of();

    /** The type of this OID, reading the catalog again when it is not known yet. */
    PgType get(Connection connection, int oid) throws SQLException {
        PgType type = types.get(oid);
        if (type == null) {
            reload(connection);
            type = types.get(oid);
            if (type == null) {
                throw new SQLException("Type OID " + oid + " is not in pg_type", "42704");
            }
        }
        return type;
    }

    /** Resolves domains to their base type (keeping the domain's type modifier when the base has none). */
    PgType resolve(Connection connection, int oid) throws SQLException {
        PgType type = get(connection, oid);
        int depth = 0;
        while (type.typtype() == 'd' && depth++ < 16) {
            type = get(connection, type.baseOid());
        }
        return type;
    }

    synchronized void reload(Connection connection) throws SQLException {
        Map<Integer, List<String>> labels = new HashMap<>();
        Map<Integer, PgType> read = new HashMap<>(1024);
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "SELECT enumtypid, enumlabel FROM pg_catalog.pg_enum ORDER BY enumtypid, enumsortorder")) {
                while (rs.next()) {
                    labels.computeIfAbsent((int) rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT oid, typname, typtype, typelem, typbasetype, typtypmod "
                    + "FROM pg_catalog.pg_type")) {
                while (rs.next()) {
                    int oid = (int) rs.getLong(1);
                    read.put(oid, new PgType(oid, rs.getString(2), rs.getString(3).charAt(0), (int) rs.getLong(4),
                            (int) rs.getLong(5), rs.getInt(6), List.copyOf(labels.getOrDefault(oid, List.of()))));
                }
            }
        }
        types = Map.copyOf(read);
    }
}
