package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.ConsoleBrowser;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * A user creates a JDBC sink by filling the console's form for it (generated from the plugin's definitions) against a
 * real PostgreSQL: a wrong password is told beside the password field, the right one creates the connector, and the
 * console shows the rows the sink wrote apart from the records it holds while the table is locked, as the issue's
 * "4,463 out, green" sink could not.
 */
class ConsoleJdbcSinkIT {
    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("console");

    @TempDir
    Path dir;

    @BeforeEach
    void browserAvailable() {
        ConsoleBrowser.assumeAvailable();
    }

    private static List<Map.Entry<String, String>> orders(int from, int to) {
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(new SimpleEntry<>(JdbcSinkPipelineIT.key(i), JdbcSinkPipelineIT.value(i, "order-" + i, i)));
        }
        return records;
    }

    @Test
    void aJdbcSinkFilledInTheFormShowsWhatItWroteApartFromWhatALockedTableHoldsBack() throws Exception {
        db.passwordRole("console_writer", "right-password");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("console_orders").replace('-', '_'), 1);
        String table = "sink_" + topic;
        KafkaTestBroker.produce(topic, orders(0, 500));
        try (TestWorker worker = TestWorkers.worker(dir).start();
             ConsoleBrowser browser = new ConsoleBrowser(worker.restUrl().toString(), dir.resolve("chromium"))) {
            RestClient rest = worker.rest();
            browser.open("#/new?plugin=JdbcSinkConnector");
            browser.waitFor(() -> !browser.all(ConsoleBrowser.field("connection.url")).isEmpty(), "the JDBC sink's form");
            assertEquals("password", browser.driver().findElement(ConsoleBrowser.field("connection.password"))
                    .getAttribute("type"), "a PASSWORD key is typed into a masked field");
            browser.type("name", "orders-to-postgres");
            browser.type("connection.url", db.bareUrl());
            browser.type("connection.user", "console_writer");
            browser.type("connection.password", "wrong-password");
            browser.type("topics", topic);
            browser.type("table.name.format", "sink_${topic}");
            browser.choose("insert.mode", "upsert");
            browser.choose("pk.mode", "record_key");
            browser.choose("auto.create", "true");
            browser.clickButton("validate");
            browser.waitFor(() -> browser.fieldErrors("connection.password").stream()
                    .anyMatch(e -> e.contains("password authentication failed")), "the wrong password told beside its field");
            browser.screenshot("jdbc-01-wrong-password");

            browser.type("connection.password", "right-password");
            browser.clickButton("create");
            browser.waitFor(() -> browser.url().endsWith("#/connectors/orders-to-postgres")
                    && "RUNNING".equals(browser.taskState(0)), "created and running");
            Map<String, String> stored = worker.process().herder().connectorConfig("orders-to-postgres");
            assertEquals("right-password", stored.get("connection.password"));
            assertEquals("upsert", stored.get("insert.mode"));
            browser.waitFor(() -> browser.figureNumber("out-total") == 500 && browser.figureNumber("pending") == 0,
                    "500 written, none pending");
            assertEquals(500L, ((Number) db.scalar("SELECT count(*) FROM " + table)).longValue());

            // the table is locked: the sink takes more records (as many as it reads before its write blocks) but
            // cannot write them. Received counts every read, a redelivery's too (a transient write failure under
            // load rewinds the consumer), so what is pending is measured from the received figure of this point.
            long receivedBefore = browser.figureNumber("in-total");
            try (Connection lock = db.connect(); Statement s = lock.createStatement()) {
                lock.setAutoCommit(false);
                s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
                KafkaTestBroker.produce(topic, orders(500, 800));
                browser.waitFor(() -> {
                    long received = browser.figureNumber("in-total");
                    return received > receivedBefore && browser.figureNumber("out-total") == 500
                            && browser.figureNumber("pending") == received - receivedBefore;
                }, () -> "more received than " + receivedBefore + ", still 500 written, the rest pending: received "
                        + browser.figureNumber("in-total") + ", written " + browser.figureNumber("out-total")
                        + ", pending " + browser.figureNumber("pending"));
                browser.waitFor(() -> browser.textOrEmpty(By.cssSelector("[data-figure='pending'] .hint"))
                        .contains("nothing written"), "the stalled sink is told");
                assertEquals("RUNNING", rest.taskState("orders-to-postgres", 0), "the task itself still runs");
                browser.screenshot("jdbc-02-table-locked");
                lock.commit();
            }
            browser.waitFor(() -> browser.figureNumber("out-total") == 800 && browser.figureNumber("pending") == 0,
                    "all written once the lock is gone");
            assertEquals(800L, ((Number) db.scalar("SELECT count(*) FROM " + table)).longValue());
            browser.screenshot("jdbc-03-caught-up");

            // the configuration tab shows the stored password masked, and saving it back keeps it
            browser.click(By.cssSelector("nav.tabs a[data-tab='config']"));
            browser.waitFor(() -> "[hidden]".equals(browser.driver().findElement(ConsoleBrowser.field("connection.password"))
                    .getAttribute("value")), "the stored password masked in the form");
            browser.type("batch.size", "500");
            browser.clickButton("save-config");
            browser.waitFor(() -> "500".equals(worker.process().herder().connectorConfig("orders-to-postgres").get("batch.size")),
                    "the edit saved");
            assertEquals("right-password", worker.process().herder().connectorConfig("orders-to-postgres").get("connection.password"));
            assertTrue(!rest.get("/connectors/orders-to-postgres").raw().contains("right-password"));
        }
    }
}
