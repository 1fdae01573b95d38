package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.cli.WorkerProcess;
import io.sluice.runtime.testing.HeadlessChromium;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real headless Chromium (Debian's chromium and chromedriver, installed by
 * .ci/install-chromium, which .ci/run calls before the build): it lists a running pipeline, shows its throughput moving,
 * pauses and resumes it, shows a failed task's trace, peeks a topic, and creates and deletes a
 * connector. Screenshots of each step are kept in target/console-screenshots.
 */
class ConsoleBrowserIT {

    @TempDir
    Path dir;

    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicInteger written = new AtomicInteger();
    private Thread writer;
    private WorkerProcess worker;
    private WebDriver browser;

    @BeforeEach
    void browserAvailable() throws Exception {
        HeadlessChromium.requireInstalled();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        writing.set(false);
        if (writer != null) {
            writer.join(5000);
        }
        if (browser != null) {
            browser.quit();
        }
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void consoleShowsAndSteersARunningPipeline() throws Exception {
        Path input = dir.resolve("input.txt");
        Files.writeString(input, "");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("console"), 2);
        startWriter(input);

        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        Map<String, String> props = new HashMap<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", KafkaTestBroker.uniqueTopic("console-cluster"),
                "listeners", "http://127.0.0.1:0",
                "plugin.path", pluginPath.toString(),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "offset.flush.interval.ms", "1000"));
        worker = WorkerProcess.start(props);
        RestClient rest = new RestClient(worker.restUrl());
        assertEquals(201, rest.createConnector("lines-in", Map.of("connector.class", "FileStreamSource",
                "file", input.toString(), "topic", topic)).status());
        assertEquals(201, rest.createConnector("lines-out", Map.of("connector.class", "FileStreamSink",
                "file", dir.resolve("output.txt").toString(), "topics", topic)).status());
        // a sink whose file is a directory: its task fails at start, with a trace
        Path notAFile = Files.createDirectories(dir.resolve("a-directory"));
        assertEquals(201, rest.createConnector("broken-sink", Map.of("connector.class", "FileStreamSink",
                "file", notAFile.toString(), "topics", topic)).status());

        browser = chromium();
        String base = worker.restUrl().toString().replaceAll("/$", "");
        browser.get(base + "/console/?refresh=1000");

        // the list: every connector with its state
        waitFor(() -> rows().size() == 3, "three connectors listed");
        waitFor(() -> "RUNNING".equals(rowState("lines-in")) && "RUNNING".equals(rowState("lines-out")),
                "pipeline RUNNING in the list");
        long before = rowNumber("lines-in", "out-total");
        waitFor(() -> rowNumber("lines-in", "out-total") > before + 100, "records out moving in the list");
        waitFor(() -> rowNumber("lines-out", "rate-1m") > 0, "sink rate shown");
        screenshot("01-connectors");

        // the source's page: figures move; pause stops them, resume restarts them
        // the list is redrawn every second: retry a click that lands on a replaced element
        waitFor(() -> {
            rowLink("lines-in").click();
            return true;
        }, "click lines-in");
        waitFor(() -> "RUNNING".equals(figureText("connector-state")), "detail page of lines-in");
        long shown = figureNumber("out-total");
        waitFor(() -> figureNumber("out-total") > shown, "throughput moving on the detail page");
        assertTrue(browser.findElements(By.cssSelector("#tasks tbody tr")).size() == 1);
        screenshot("02-source-running");

        button("pause").click();
        waitFor(() -> "PAUSED".equals(figureText("connector-state"))
                && "PAUSED".equals(taskState(0)), "paused from the console");
        assertEquals("PAUSED", rest.connectorState("lines-in"));
        long pausedAt = figureNumber("out-total");
        Thread.sleep(3000);
        assertTrue(figureNumber("out-total") <= pausedAt + 10, "no records move while paused");
        screenshot("03-source-paused");

        button("resume").click();
        waitFor(() -> "RUNNING".equals(figureText("connector-state")) && "RUNNING".equals(taskState(0)),
                "resumed from the console");
        waitFor(() -> figureNumber("out-total") > pausedAt + 100, "records move again after resume");
        assertEquals("RUNNING", rest.connectorState("lines-in"));
        screenshot("04-source-resumed");

        // the failed task and its trace
        browser.get(base + "/console/?refresh=1000#/connectors/broken-sink");
        waitFor(() -> "FAILED".equals(taskState(0)), "failed task shown");
        waitFor(() -> !browser.findElements(By.cssSelector("pre.trace")).isEmpty(), "trace shown");
        String trace = text(By.cssSelector("pre.trace"));
        assertTrue(trace.contains("Exception"), trace);
        assertTrue(trace.contains(notAFile.toString()) || trace.contains("file"), trace);
        screenshot("05-failed-task");

        // the sink's page shows lag per partition
        browser.get(base + "/console/?refresh=1000#/connectors/lines-out");
        waitFor(() -> !figureText("lag").isEmpty() && !"–".equals(figureText("lag")), "sink lag shown");
        screenshot("06-sink");

        // topic peek
        browser.get(base + "/console/?refresh=1000#/topics?topic=" + topic);
        waitFor(() -> !browser.findElements(By.id("peek-topic")).isEmpty(), "topics page");
        new Select(browser.findElement(By.id("peek-topic"))).selectByValue(topic);
        // the source's records have no key: they may all sit in one partition
        int withData = rest.get("/topics/" + topic + "/partitions/0/records?count=1").body().path("end_offset").asLong() > 0 ? 0 : 1;
        WebElement partition = browser.findElement(By.id("peek-partition"));
        partition.clear();
        partition.sendKeys(Integer.toString(withData));
        button("peek").click();
        waitFor(() -> browser.findElements(By.cssSelector("#peek-records tbody tr")).size() > 0, "peeked records");
        String firstValue = text(By.cssSelector("#peek-records tbody tr td:nth-child(4)"));
        assertTrue(firstValue.startsWith("line-"), firstValue);
        screenshot("07-topic-peek");

        // plugins
        browser.get(base + "/console/#/plugins");
        waitFor(() -> browser.findElements(By.cssSelector("#plugins tbody tr")).size() > 5, "plugins listed");
        assertTrue(browser.findElement(By.id("plugins")).getText().contains("org.apache.kafka.connect.file.FileStreamSinkConnector"));
        screenshot("08-plugins");

        // create, edit and delete
        browser.get(base + "/console/#/new");
        waitFor(() -> !browser.findElements(By.id("new-name")).isEmpty(), "new connector form");
        browser.findElement(By.id("new-name")).sendKeys("made-in-console");
        WebElement config = browser.findElement(By.id("new-config"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];", config,
                "{\"connector.class\": \"FileStreamSink\", \"topics\": \"" + topic + "\", \"file\": \""
                        + dir.resolve("console-made.txt") + "\"}");
        button("validate").click();
        waitFor(() -> browser.findElement(By.id("flash")).getText().contains("valid"), "validated");
        button("create").click();
        waitFor(() -> browser.getCurrentUrl().endsWith("#/connectors/made-in-console")
                && "RUNNING".equals(figureText("connector-state")), "created from the console");
        assertEquals("RUNNING", rest.connectorState("made-in-console"));
        WebElement editor = browser.findElement(By.id("config-editor"));
        String edited = editor.getAttribute("value").replace("\"tasks.max\"", "\"errors.log.enable\": \"true\", \"tasks.max\"");
        if (!edited.contains("errors.log.enable")) {
            edited = edited.replaceFirst("\\{", "{\"errors.log.enable\": \"true\",");
        }
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];", editor, edited);
        button("save-config").click();
        waitFor(() -> "true".equals(rest.get("/connectors/made-in-console/config").body().path("errors.log.enable").asText()),
                "config saved from the console");
        screenshot("09-created");
        button("delete").click();
        browser.switchTo().alert().accept();
        waitFor(() -> rest.get("/connectors/made-in-console").status() == 404, "deleted from the console");
        waitFor(() -> browser.getCurrentUrl().endsWith("#/connectors") && rows().size() == 3, "back to the list");

        // stop and restart
        browser.get(base + "/console/?refresh=1000#/connectors/lines-out");
        waitFor(() -> "RUNNING".equals(figureText("connector-state")), "sink page");
        button("stop").click();
        waitFor(() -> "STOPPED".equals(figureText("connector-state")), "stopped from the console");
        button("resume").click();
        waitFor(() -> "RUNNING".equals(figureText("connector-state")) && "RUNNING".equals(taskState(0)),
                "running again");
        button("restart").click();
        waitFor(() -> "RUNNING".equals(figureText("connector-state")) && "RUNNING".equals(taskState(0)),
                "restarted from the console");
        screenshot("10-sink-restarted");
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

    private WebDriver chromium() throws IOException {
        return HeadlessChromium.start(dir);
    }

    private List<WebElement> rows() {
        return browser.findElements(By.cssSelector("#connectors tbody tr"));
    }

    private static String rowSelector(String connector) {
        return "#connectors tbody tr[data-connector='" + connector + "']";
    }

    private WebElement rowLink(String connector) {
        return browser.findElement(By.cssSelector(rowSelector(connector) + " a"));
    }

    private String rowState(String connector) {
        return text(By.cssSelector(rowSelector(connector) + " .state"));
    }

    private long rowNumber(String connector, String field) {
        return parse(text(By.cssSelector(rowSelector(connector) + " td[data-field='" + field + "']")));
    }

    private String figureText(String figure) {
        return textOrEmpty(By.cssSelector("[data-figure='" + figure + "'] .v")).trim();
    }

    private long figureNumber(String figure) {
        return parse(figureText(figure));
    }

    private String taskState(int task) {
        return textOrEmpty(By.cssSelector("#tasks tbody tr[data-task='" + task + "'] .state"));
    }

    /** The element's text; a connector page is redrawn every refresh, so a read that lands on a replaced element is retried. */
    private String text(By selector) {
        String found = textOrEmpty(selector);
        if (found.isEmpty() && browser.findElements(selector).isEmpty()) {
            throw new NoSuchElementException("nothing matches " + selector);
        }
        return found;
    }

    private String textOrEmpty(By selector) {
        for (int attempt = 0; ; attempt++) {
            try {
                List<WebElement> found = browser.findElements(selector);
                return found.isEmpty() ? "" : found.get(0).getText();
            } catch (StaleElementReferenceException e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }

    private WebElement button(String action) {
        return browser.findElement(By.cssSelector("button[data-action='" + action + "']"));
    }

    private static long parse(String text) {
        String digits = text.replace(",", "").trim();
        if (digits.isEmpty() || digits.equals("–")) {
            return -1;
        }
        return Math.round(Double.parseDouble(digits));
    }

    private void waitFor(java.util.function.BooleanSupplier condition, String what) {
        HeadlessChromium.waitFor(browser, condition, what);
    }

    private void screenshot(String name) {
        HeadlessChromium.screenshot(browser, name);
    }
}
