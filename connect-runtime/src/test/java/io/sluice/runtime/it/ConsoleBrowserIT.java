package io.sluice.runtime.it;

import static io.sluice.runtime.testing.ConsoleBrowser.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.ConsoleBrowser;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.worker.TestSinkConnector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real headless Chromium ({@link ConsoleBrowser}): it lists a running pipeline with search and
 * filters, shows its throughput moving, pauses and resumes it, shows a failed task's trace, peeks a connector's own
 * topics, creates a connector through the form generated from the plugin's definitions (errors inline, the JSON as
 * another view) and edits it; it shows what a sink received, wrote and holds pending, alters a stopped connector's
 * offsets and shows a dead letter queue with its error headers. Screenshots of each step are kept in
 * target/console-screenshots.
 */
class ConsoleBrowserIT {
    @TempDir
    Path dir;

    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicInteger written = new AtomicInteger();
    private Thread writer;
    private TestWorker worker;
    private ConsoleBrowser browser;
    private RestClient rest;

    @BeforeEach
    void browserAvailable() {
        ConsoleBrowser.assumeAvailable();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        writing.set(false);
        if (writer != null) {
            writer.join(5000);
        }
        if (browser != null) {
            browser.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    private void startWorker() {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        worker = TestWorker.standalone().pluginPath(pluginPath).stringConverters()
                .with("offset.flush.interval.ms", "1000").start();
        rest = worker.rest();
        browser = new ConsoleBrowser(worker.restUrl().toString(), dir.resolve("chromium-profile"));
    }

    @Test
    void consoleShowsAndSteersARunningPipeline() throws Exception {
        Path input = dir.resolve("input.txt");
        Files.writeString(input, "");
        // a topic that sorts before the pipeline's: "Peek its topics" must still pick the connector's own
        KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("aaa-first"), 1);
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("console"), 2);
        startWriter(input);
        startWorker();
        assertEquals(201, rest.createConnector("lines-in", Map.of("connector.class", "FileStreamSource",
                "file", input.toString(), "topic", topic)).status());
        assertEquals(201, rest.createConnector("lines-out", Map.of("connector.class", "FileStreamSink",
                "file", dir.resolve("output.txt").toString(), "topics", topic)).status());
        // a sink whose file is a directory: its task fails at start, with a trace
        Path notAFile = Files.createDirectories(dir.resolve("a-directory"));
        assertEquals(201, rest.createConnector("broken-sink", Map.of("connector.class", "FileStreamSink",
                "file", notAFile.toString(), "topics", topic)).status());

        // the list: every connector with its state, figures moving
        browser.open("#/connectors");
        browser.waitFor(() -> rows() == 3, "three connectors listed");
        browser.waitFor(() -> "RUNNING".equals(browser.rowState("lines-in")) && "RUNNING".equals(browser.rowState("lines-out")),
                "pipeline RUNNING in the list");
        long before = browser.rowNumber("lines-in", "out-total");
        browser.waitFor(() -> browser.rowNumber("lines-in", "out-total") > before + 100, "records written moving in the list");
        browser.waitFor(() -> browser.rowNumber("lines-out", "rate-1m") > 0 && browser.rowNumber("lines-out", "rate") > 0,
                "sink rates over the minute and the last 5 s");
        browser.screenshot("01-connectors");

        // search and filters, kept in the address
        browser.driver().findElement(By.id("connector-search")).sendKeys("lines");
        browser.waitFor(() -> rows() == 2, "searching 'lines' keeps two");
        new Select(browser.driver().findElement(By.id("connector-state-filter"))).selectByValue("FAILED");
        browser.waitFor(() -> rows() == 0, "no failed connector is named like lines");
        browser.driver().findElement(By.id("connector-search")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        browser.waitFor(() -> rows() == 1 && !browser.all(By.cssSelector(ConsoleBrowser.row("broken-sink"))).isEmpty(),
                "the failed sink alone");
        assertTrue(browser.url().contains("state=FAILED"), browser.url());
        browser.screenshot("02-connectors-filtered");
        new Select(browser.driver().findElement(By.id("connector-state-filter"))).selectByValue("");
        browser.waitFor(() -> rows() == 3, "filters cleared");

        // the source's page: figures move; pause stops them, resume restarts them
        browser.click(By.cssSelector(ConsoleBrowser.row("lines-in") + " a"));
        browser.waitFor(() -> "RUNNING".equals(browser.figureText("connector-state")), "detail page of lines-in");
        long shown = browser.figureNumber("out-total");
        browser.waitFor(() -> browser.figureNumber("out-total") > shown, "throughput moving on the detail page");
        assertEquals(1, browser.all(By.cssSelector("#tasks tbody tr")).size());
        browser.screenshot("03-source-running");

        browser.clickButton("pause");
        browser.waitFor(() -> "PAUSED".equals(browser.figureText("connector-state")) && "PAUSED".equals(browser.taskState(0)),
                "paused from the console");
        assertEquals("PAUSED", rest.connectorState("lines-in"));
        assertTrue(browser.textOrEmpty(By.id("flash")).contains("Pause"), "the action's outcome is told");
        browser.waitFor(() -> browser.figureNumber("rate") == 0, "the 5 s rate drops to 0 while paused");
        long pausedAt = browser.figureNumber("out-total");
        browser.screenshot("04-source-paused");
        browser.clickButton("resume");
        browser.waitFor(() -> "RUNNING".equals(browser.figureText("connector-state")) && "RUNNING".equals(browser.taskState(0)),
                "resumed from the console");
        browser.waitFor(() -> browser.figureNumber("out-total") > pausedAt + 100, "records move again after resume");
        assertEquals("RUNNING", rest.connectorState("lines-in"));

        // the failed task and its trace; the last action's message does not follow the user there
        browser.open("#/connectors/broken-sink");
        browser.waitFor(() -> "FAILED".equals(browser.taskState(0)), "failed task shown");
        browser.waitFor(() -> !browser.all(By.cssSelector("pre.trace")).isEmpty(), "trace shown");
        String trace = browser.text(By.cssSelector("pre.trace"));
        assertTrue(trace.contains("Exception"), trace);
        browser.clickButton("restart-failed");
        browser.waitFor(() -> browser.driver().findElement(By.id("flash")).isDisplayed(), "restart told");
        browser.click(By.cssSelector("#nav a[data-nav='plugins']"));
        browser.waitFor(() -> browser.all(By.cssSelector("#plugins tbody tr")).size() > 5, "plugins listed");
        assertFalse(browser.driver().findElement(By.id("flash")).isDisplayed(), "the flash went with the page it was for");
        assertTrue(browser.text(By.id("plugins")).contains("org.apache.kafka.connect.file.FileStreamSinkConnector"));

        // the sink's page: lag per partition; "Peek its topics" opens its own topic and peeks it
        browser.open("#/connectors/lines-out");
        browser.waitFor(() -> !browser.figureText("lag").isEmpty() && !"–".equals(browser.figureText("lag")), "sink lag shown");
        browser.screenshot("05-sink");
        browser.clickButton("peek-topics");
        browser.waitFor(() -> topic.equals(browser.script("return document.getElementById('peek-topic').value")),
                "the connector's own topic preselected");
        int withData = rest.get("/topics/" + topic + "/partitions/0/records?count=1").body().path("end_offset").asLong() > 0 ? 0 : 1;
        WebElement partition = browser.driver().findElement(By.id("peek-partition"));
        partition.clear();
        partition.sendKeys(Integer.toString(withData));
        browser.clickButton("peek");
        browser.waitFor(() -> browser.text(By.cssSelector("#peek-records tbody tr td:nth-child(4)")).startsWith("line-"),
                "peeked the pipeline's records");
        browser.screenshot("06-topic-peek");

        createAndEditThroughTheForm(topic);

        // stop and restart
        browser.open("#/connectors/lines-out");
        browser.waitFor(() -> "RUNNING".equals(browser.figureText("connector-state")), "sink page");
        browser.clickButton("stop");
        browser.waitFor(() -> "STOPPED".equals(browser.figureText("connector-state")), "stopped from the console");
        browser.clickButton("resume");
        browser.waitFor(() -> "RUNNING".equals(browser.figureText("connector-state")) && "RUNNING".equals(browser.taskState(0)),
                "running again");
        browser.clickButton("restart");
        browser.waitFor(() -> "RUNNING".equals(browser.figureText("connector-state")) && "RUNNING".equals(browser.taskState(0)),
                "restarted from the console");
    }

    /** A connector made by filling the form built from FileStreamSink's definitions, then edited and deleted. */
    private void createAndEditThroughTheForm(String topic) {
        browser.open("#/new?plugin=FileStreamSink");
        browser.waitFor(() -> !browser.all(field("file")).isEmpty() && !browser.all(field("errors.tolerance")).isEmpty(),
                "the form of FileStreamSink, its own keys and the framework's");
        browser.type("name", "made-in-console");
        browser.type("file", dir.resolve("console-made.txt").toString());
        assertEquals("select", browser.driver().findElement(field("errors.tolerance")).getTagName(), "an enumeration is a choice");
        browser.clickButton("validate");
        browser.waitFor(() -> browser.fieldErrors("topics").stream().anyMatch(e -> e.contains("topics")),
                "the missing topics told beside the topics field");
        browser.screenshot("07-form-error");

        browser.type("topics", topic);
        browser.clickButton("view-json");
        browser.waitFor(() -> !browser.all(By.id("config-json")).isEmpty(), "the JSON view");
        String json = (String) browser.script("return document.getElementById('config-json').value");
        assertTrue(json.contains("\"topics\": \"" + topic + "\"") && json.contains("console-made.txt"), json);
        browser.script("const t = document.getElementById('config-json'); t.value = t.value.replace('{', "
                + "'{\\n  \"errors.log.enable\": \"true\",');");
        browser.clickButton("view-form");
        browser.waitFor(() -> "true".equals(browser.script("return document.querySelector(\"select[data-key='errors.log.enable']\").value")),
                "the JSON edit shows in the form");
        assertEquals(topic, browser.driver().findElement(field("topics")).getAttribute("value"), "the form's edits kept");
        browser.clickButton("create");
        browser.waitFor(() -> browser.url().endsWith("#/connectors/made-in-console")
                && "RUNNING".equals(browser.figureText("connector-state")), "created from the console");
        assertEquals("RUNNING", rest.connectorState("made-in-console"));
        assertEquals("true", rest.get("/connectors/made-in-console/config").body().path("errors.log.enable").asText());
        browser.screenshot("08-created");

        browser.click(By.cssSelector("nav.tabs a[data-tab='config']"));
        browser.waitFor(() -> !browser.all(field("errors.log.include.messages")).isEmpty(), "the config tab's form");
        browser.choose("errors.log.include.messages", "true");
        browser.clickButton("save-config");
        browser.waitFor(() -> "true".equals(rest.get("/connectors/made-in-console/config").body()
                .path("errors.log.include.messages").asText()), "config saved from the console");
        browser.screenshot("09-edited");
        browser.clickButton("delete");
        browser.driver().switchTo().alert().accept();
        browser.waitFor(() -> rest.get("/connectors/made-in-console").status() == 404, "deleted from the console");
        browser.waitFor(() -> browser.url().endsWith("#/connectors") && rows() == 3, "back to the list");
    }

    @Test
    void aSinksWrittenAndPendingRecordsItsOffsetsAndItsDeadLetterQueue() throws Exception {
        startWorker();
        // the page and every script it loads come from the worker, and only they may run in it
        RestClient.Response page = rest.get("/console/");
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'self'"));
        Matcher scripts = Pattern.compile("<script src=\"([^\"]+)\"").matcher(page.raw());
        while (scripts.find()) {
            RestClient.Response script = rest.get("/console/" + scripts.group(1));
            assertEquals(200, script.status(), scripts.group(1));
            assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"), scripts.group(1));
        }

        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("held"), 1);
        String[] values = new String[100];
        for (int i = 0; i < values.length; i++) {
            values[i] = "{\"n\": " + i + "}";
        }
        KafkaTestBroker.produce(topic, values);

        // a sink that has stored only the first 30 records it was given: 70 are pending, not written
        TestSinkConnector.acknowledgeBelow("held", 30);
        assertEquals(201, rest.createConnector("held", Map.of("connector.class", TestSinkConnector.class.getName(),
                "topics", topic)).status());
        browser.open("#/connectors/held");
        browser.waitFor(() -> browser.figureNumber("in-total") == 100 && browser.figureNumber("out-total") == 30
                && browser.figureNumber("pending") == 70, "100 received, 30 written, 70 pending");
        browser.waitFor(() -> browser.textOrEmpty(By.cssSelector("[data-figure='pending'] .hint")).contains("nothing written"),
                "a sink that stopped writing is told");
        assertEquals("30", browser.text(By.cssSelector("#tasks tbody tr[data-task='0'] td[data-field='written-total']")));
        assertEquals("100", browser.text(By.cssSelector("#tasks tbody tr[data-task='0'] td[data-field='put-total']")));
        browser.screenshot("10-sink-pending");
        TestSinkConnector.acknowledgeBelow("held", Long.MAX_VALUE);
        browser.waitFor(() -> browser.figureNumber("out-total") == 100 && browser.figureNumber("pending") == 0,
                "all written once the sink stored them");

        // its offsets: shown while it runs, changed once it is stopped
        browser.click(By.cssSelector("nav.tabs a[data-tab='offsets']"));
        browser.waitFor(() -> !browser.all(By.id("offsets-stop-first")).isEmpty()
                && browser.text(By.id("offsets")).contains(topic + "-0"), "offsets shown, changes need a stop");
        browser.click(By.cssSelector("#offsets-stop-first button"));
        browser.waitFor(() -> !browser.all(By.cssSelector("[data-action='save-offsets']")).isEmpty(), "editable once stopped");
        assertEquals("STOPPED", rest.connectorState("held"));
        WebElement offset = browser.driver().findElement(By.cssSelector("input[data-offset-of='" + topic + "-0']"));
        assertEquals("100", offset.getAttribute("value"));
        offset.clear();
        offset.sendKeys("40");
        browser.clickButton("save-offsets");
        browser.waitFor(() -> rest.get("/connectors/held/offsets").body().path("offsets").get(0)
                .path("offset").path("kafka_offset").asLong() == 40, "offset altered from the console");
        browser.screenshot("11-offsets");
        browser.clickButton("reset-offsets");
        browser.driver().switchTo().alert().accept();
        browser.waitFor(() -> rest.get("/connectors/held/offsets").body().path("offsets").isEmpty(), "offsets reset");
        browser.waitFor(() -> !browser.all(By.id("offsets-none")).isEmpty(), "no offsets shown after the reset");

        // a sink whose records its converter cannot read sends them to its dead letter queue, with the reasons
        String dlq = KafkaTestBroker.uniqueTopic("console-dlq");
        Map<String, String> config = new HashMap<>(Map.of("connector.class", "FileStreamSink",
                "file", dir.resolve("never.txt").toString(), "topics", topic,
                "value.converter", "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable", "true",
                "errors.tolerance", "all", "errors.deadletterqueue.topic.name", dlq,
                "errors.deadletterqueue.context.headers.enable", "true",
                "errors.deadletterqueue.topic.replication.factor", "1"));
        assertEquals(201, rest.createConnector("with-dlq", config).status());
        browser.open("#/connectors/with-dlq");
        browser.waitFor(() -> browser.figureNumber("errors") == 100, "every record failed");
        browser.click(By.cssSelector("nav.tabs a[data-tab='dlq']"));
        browser.waitFor(() -> browser.figureNumber("dlq-total") == 100 && browser.all(By.cssSelector("#dlq tbody tr")).size() == 20,
                "the dead letter queue's size and its latest records");
        String stage = browser.text(By.cssSelector("#dlq tbody tr td[data-field='stage']"));
        String error = browser.text(By.cssSelector("#dlq tbody tr td[data-field='error']"));
        assertTrue(stage.contains("VALUE_CONVERTER"), stage);
        assertTrue(error.contains("DataException"), error);
        assertTrue(browser.text(By.id("dlq")).contains(topic + "-0@99"), "the newest failure's original record");
        browser.screenshot("12-dead-letter-queue");
        assertTrue(browser.all(By.cssSelector("nav.tabs a[data-tab='dlq']")).size() == 1);
        browser.open("#/connectors/held");
        browser.waitFor(() -> browser.all(By.cssSelector("nav.tabs a[data-tab='offsets']")).size() == 1, "held's page");
        assertTrue(browser.all(By.cssSelector("nav.tabs a[data-tab='dlq']")).isEmpty(), "no DLQ tab without a DLQ");
    }

    private int rows() {
        return browser.all(By.cssSelector("#connectors tbody tr")).size();
    }

    private void startWriter(Path input) {
        writer = new Thread(() -> {
            try {
                while (writing.get()) {
                    StringBuilder lines = new StringBuilder();
                    for (int i = 0; i < 50; i++) {
                        lines.append("line-").append(written.getAndIncrement()).append('\n');
                    }
                    Files.writeString(input, lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    Thread.sleep(100);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "console-it-writer");
        writer.setDaemon(true);
        writer.start();
    }
}
