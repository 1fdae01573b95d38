package io.sluice.jdbc.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jdbc.TableId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;

/** The SQL each dialect writes, identifiers always quoted. */
class DialectSqlTest {
    private static final TableId TABLE = new TableId("s", "t\"x");
    private static final List<SinkColumn> COLUMNS = List.of(new SinkColumn("id", Schema.INT64_SCHEMA, true),
            new SinkColumn("na`me", Schema.OPTIONAL_STRING_SCHEMA, false));

    @Test
    void postgresUpsertsWithOnConflictAndDoublesQuotes() {
        assertEquals("INSERT INTO \"s\".\"t\"\"x\" (\"id\", \"na`me\") VALUES (?, ?) ON CONFLICT (\"id\") "
                + "DO UPDATE SET \"na`me\" = EXCLUDED.\"na`me\"", new PostgresDialect(ZoneOffset.UTC).upsertSql(TABLE, COLUMNS));
    }

    @Test
    void mysqlUpsertsWithOnDuplicateKeyAndBackticks() {
        assertEquals("INSERT INTO `s`.`t\"x` (`id`, `na``me`) VALUES (?, ?) ON DUPLICATE KEY UPDATE "
                + "`na``me` = VALUES(`na``me`)", new MySqlDialect(ZoneOffset.UTC).upsertSql(TABLE, COLUMNS));
    }

    @Test
    void mysqlCreatesUtf8mb4TablesAndWidensWithModifyColumnKeepingNotNull() {
        MySqlDialect mysql = new MySqlDialect(ZoneOffset.UTC);
        assertEquals("CREATE TABLE IF NOT EXISTS `s`.`t\"x` (\n  `id` BIGINT NOT NULL,\n  `na``me` TEXT,\n  "
                + "PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4", mysql.createTableSql(TABLE, COLUMNS));
        assertEquals(java.util.Optional.of("ALTER TABLE `s`.`t\"x` MODIFY COLUMN `n` BIGINT NOT NULL"),
                mysql.columnTypeChange(TABLE, new ColumnDefinition("n", "INT", java.sql.Types.INTEGER, false,
                        false, 10, 0), Schema.INT64_SCHEMA).map(ColumnTypeChange::sql));
        assertEquals(java.util.Optional.empty(), mysql.columnTypeChange(TABLE,
                new ColumnDefinition("n", "BIGINT", java.sql.Types.BIGINT, true, false, 19, 0), Schema.INT32_SCHEMA),
                "never narrows");
    }

    @Test
    void postgresConvertsAColumnOfAnotherKindOfTypeThanTheFieldButLeavesTheUsersOwnTypesAlone() {
        PostgresDialect pg = new PostgresDialect(ZoneOffset.UTC);
        assertEquals(java.util.Optional.of(new ColumnTypeChange("ALTER TABLE \"s\".\"t\"\"x\" ALTER COLUMN \"a\" "
                + "TYPE text USING \"a\"::text", "int4", "text", true)), pg.columnTypeChange(TABLE,
                column("a", "int4"), Schema.STRING_SCHEMA), "integer to text at the source");
        assertEquals(java.util.Optional.of(false), pg.columnTypeChange(TABLE, column("a", "int4"),
                Schema.INT64_SCHEMA).map(ColumnTypeChange::convertsValues), "a widening converts nothing");
        for (String own : List.of("uuid", "jsonb", "inet", "mood", "_int4")) {
            assertEquals(java.util.Optional.empty(), pg.columnTypeChange(TABLE, column("a", own),
                    Schema.STRING_SCHEMA), own + " takes the field's text as it is");
        }
        assertEquals(java.util.Optional.of("integer"), pg.columnTypeChange(TABLE, column("a", "varchar"),
                Schema.INT32_SCHEMA).map(ColumnTypeChange::to), "to the type auto.create makes");
    }

    private static ColumnDefinition column(String name, String type) {
        return new ColumnDefinition(name, type, java.sql.Types.OTHER, true, false, 0, 0);
    }

    @Test
    void genericDialectUpsertsWithStandardMerge() {
        assertEquals("MERGE INTO \"s\".\"t\"\"x\" t USING (VALUES (?, ?)) s (\"id\", \"na`me\") ON (t.\"id\" = s.\"id\") "
                        + "WHEN MATCHED THEN UPDATE SET \"na`me\" = s.\"na`me\" WHEN NOT MATCHED THEN INSERT (\"id\", "
                        + "\"na`me\") VALUES (s.\"id\", s.\"na`me\")",
                new AnsiDialect(ZoneOffset.UTC).upsertSql(TABLE, COLUMNS));
    }

    @Test
    void updateBindsValuesBeforeKeys() {
        assertEquals("UPDATE \"s\".\"t\"\"x\" SET \"na`me\" = ? WHERE \"id\" = ?",
                new PostgresDialect(ZoneOffset.UTC).updateSql(TABLE, COLUMNS));
    }

    @Test
    void dialectComesFromTheUrlUnlessNamed() {
        assertEquals(DatabaseDialects.POSTGRES, DatabaseDialects.create("", "jdbc:postgresql://h/db", ZoneOffset.UTC).name());
        assertEquals(DatabaseDialects.MYSQL, DatabaseDialects.create(null, "jdbc:mariadb://h/db", ZoneOffset.UTC).name());
        assertEquals(DatabaseDialects.GENERIC, DatabaseDialects.create("", "jdbc:h2:mem:x", ZoneOffset.UTC).name());
    }

    @Test
    void tableIdsRoundTripThroughTheirQuotedListForm() {
        List<TableId> ids = List.of(new TableId("a.b", "c,\"d\""), new TableId(null, "plain"));
        assertEquals(ids, TableId.parseList(TableId.formatList(ids)));
        assertEquals(new TableId("public", "orders"), TableId.parse("public.orders"));
    }
}
