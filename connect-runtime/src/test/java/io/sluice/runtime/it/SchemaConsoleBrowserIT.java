package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.cli.WorkerProcess;
import io.sluice.runtime.testing.HeadlessChromium;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The console's Schemas page in a real headless Chromium: the worker's registry's subjects with their levels, two
 * versions side by side with the added field marked, and a pasted schema checked for compatibility.
 */
class SchemaConsoleBrowserIT {
    private static final String V1 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

    @TempDir
    Path dir;

    private WorkerProcess worker;
    private WebDriver browser;

    @BeforeEach
    void browserAvailable() throws Exception {
        HeadlessChromium.requireInstalled();
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void theSchemasPageShowsSubjectsVersionsSideBySideAndChecksAPastedSchema() throws Exception {
        worker = WorkerProcess.start(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", KafkaTestBroker.uniqueTopic("schema-console"),
                "listeners", "http://127.0.0.1:0",
                "schema.registry.listeners", "http://127.0.0.1:0",
                "schema.registry.topic", KafkaTestBroker.uniqueTopic("_schemas"),
                "plugin.path", dir.resolve("plugins").toString()));
        RestClient registry = new RestClient(worker.schemaRegistryUrl());
        assertEquals(200, registry.post("/subjects/orders-value/versions", Map.of("schema", V1)).status());
        assertEquals(200, registry.post("/subjects/orders-value/versions", Map.of("schema", V2)).status());
        assertEquals(200, registry.put("/config/orders-value", Map.of("compatibility", "FULL")).status());

        browser = HeadlessChromium.start(dir);
        browser.get(worker.restUrl().resolve("/console/#/schemas").toString());
        waitFor(() -> !browser.findElements(By.cssSelector("#subjects tr[data-subject='orders-value']")).isEmpty(),
                "subjects listed");
        String row = browser.findElement(By.cssSelector("#subjects tr[data-subject='orders-value']")).getText();
        assertTrue(row.contains("FULL") && row.contains("2"), row);
        HeadlessChromium.screenshot(browser, "11-schemas");

        browser.findElement(By.cssSelector("#subjects tr[data-subject='orders-value'] a")).click();
        waitFor(() -> !browser.findElements(By.cssSelector("table.diff td.add")).isEmpty(), "versions side by side");
        String added = browser.findElements(By.cssSelector("table.diff td.add")).stream().map(e -> e.getText())
                .reduce("", String::concat);
        assertTrue(added.contains("note"), added);
        assertEquals("FULL", browser.findElement(By.id("subject-level")).getText());
        HeadlessChromium.screenshot(browser, "12-schema-versions");

        // FULL: a required field without a default cannot be read from version 2's records
        browser.findElement(By.id("compat-schema")).sendKeys(V2.replace("]}", ",{\"name\":\"qty\",\"type\":\"int\"}]}"));
        browser.findElement(By.cssSelector("button[data-action='check-compatibility']")).click();
        waitFor(() -> browser.findElement(By.id("compat-result")).getText().contains("Not compatible"), "refused");
        assertTrue(browser.findElement(By.id("compat-result")).getText().contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
        HeadlessChromium.screenshot(browser, "13-schema-check");

        browser.findElement(By.id("compat-schema")).clear();
        browser.findElement(By.id("compat-schema")).sendKeys(V2.replace("]}", ",{\"name\":\"qty\",\"type\":\"int\",\"default\":0}]}"));
        browser.findElement(By.cssSelector("button[data-action='check-compatibility']")).click();
        waitFor(() -> browser.findElement(By.id("compat-result")).getText().startsWith("Compatible"), "accepted");
    }

    private void waitFor(java.util.function.BooleanSupplier condition, String what) {
        HeadlessChromium.waitFor(browser, condition, what);
    }
}
