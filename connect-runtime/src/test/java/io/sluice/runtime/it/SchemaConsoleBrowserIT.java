package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.ConsoleBrowser;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

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

    private TestWorker worker;
    private ConsoleBrowser browser;

    @BeforeEach
    void browserAvailable() {
        ConsoleBrowser.assumeAvailable();
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void theSchemasPageShowsSubjectsVersionsSideBySideAndChecksAPastedSchema() throws Exception {
        worker = TestWorker.standalone()
                .with("schema.registry.listeners", "http://127.0.0.1:0")
                .with("schema.registry.topic", KafkaTestBroker.uniqueTopic("_schemas"))
                .pluginPath(dir.resolve("plugins")).start();
        RestClient registry = new RestClient(worker.schemaRegistryUrl());
        assertEquals(200, registry.post("/subjects/orders-value/versions", Map.of("schema", V1)).status());
        assertEquals(200, registry.post("/subjects/orders-value/versions", Map.of("schema", V2)).status());
        assertEquals(200, registry.put("/config/orders-value", Map.of("compatibility", "FULL")).status());

        browser = new ConsoleBrowser(worker.restUrl().toString(), dir.resolve("chromium-profile"));
        browser.open("#/schemas");
        By subject = By.cssSelector("#subjects tr[data-subject='orders-value']");
        browser.waitFor(() -> !browser.all(subject).isEmpty(), "subjects listed");
        String row = browser.text(subject);
        assertTrue(row.contains("FULL") && row.contains("2"), row);
        browser.screenshot("11-schemas");

        browser.click(By.cssSelector("#subjects tr[data-subject='orders-value'] a"));
        By added = By.cssSelector("table.diff td.add");
        browser.waitFor(() -> !browser.all(added).isEmpty(), "versions side by side");
        String addedText = browser.all(added).stream().map(e -> e.getText()).reduce("", String::concat);
        assertTrue(addedText.contains("note"), addedText);
        assertEquals("FULL", browser.text(By.id("subject-level")));
        browser.screenshot("12-schema-versions");

        // FULL: a required field without a default cannot be read from version 2's records
        By pasted = By.id("compat-schema");
        By result = By.id("compat-result");
        browser.driver().findElement(pasted).sendKeys(V2.replace("]}", ",{\"name\":\"qty\",\"type\":\"int\"}]}"));
        browser.clickButton("check-compatibility");
        browser.waitFor(() -> browser.text(result).contains("Not compatible"), "refused");
        assertTrue(browser.text(result).contains("READER_FIELD_MISSING_DEFAULT_VALUE"), browser.text(result));
        browser.screenshot("13-schema-check");

        browser.driver().findElement(pasted).clear();
        browser.driver().findElement(pasted)
                .sendKeys(V2.replace("]}", ",{\"name\":\"qty\",\"type\":\"int\",\"default\":0}]}"));
        browser.clickButton("check-compatibility");
        browser.waitFor(() -> browser.text(result).startsWith("Compatible"), "accepted");
    }
}
