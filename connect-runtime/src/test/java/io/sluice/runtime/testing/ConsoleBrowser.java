package io.sluice.runtime.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's chromium and chromedriver, installed by
 * .ci/install-chromium, which .ci/run calls before the build), with the reads a test needs. The console redraws its
 * live parts at every refresh, so every read and click that lands on a replaced element is retried, and every
 * expectation is a wait with a deadline. Screenshots go to target/console-screenshots.
 */
public final class ConsoleBrowser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final WebDriver driver;
    private final String base;

    /**
     * Skips the calling test when the browser is missing on a developer's machine (installing software is not a
     * test's job) and fails it under CI, where .ci/run installs the browser first.
     */
    public static void assumeAvailable() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "Chromium and chromedriver are missing (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): run .ci/install-chromium (apt-get, as root) to include the console's browser tests";
            if (System.getenv("CI") != null) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
    }

    /** A browser on the console of the worker at restUrl; profile is a fresh directory for Chromium's profile. */
    public ConsoleBrowser(String restUrl, Path profile) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.createDirectories(profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1440,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File(SCREENSHOTS.toFile(), "chromedriver.log"))
                .build();
        this.driver = new ChromeDriver(service, options);
        this.base = restUrl.replaceAll("/$", "") + "/console/";
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens a console route ("#/connectors/x"), refreshing every second. */
    public void open(String route) {
        driver.get(base + "?refresh=1000" + route);
    }

    public void waitFor(BooleanSupplier condition, String what) {
        try {
            new WebDriverWait(driver, WAIT).ignoring(RuntimeException.class)
                    .withMessage(what).until(d -> condition.getAsBoolean());
        } catch (RuntimeException e) {
            screenshot("failed-" + what.replaceAll("[^a-zA-Z0-9]+", "-"));
            throw e;
        }
    }

    /** As {@link #waitFor(BooleanSupplier, String)}, the failure telling what the page showed at the deadline. */
    public void waitFor(BooleanSupplier condition, Supplier<String> shown) {
        try {
            waitFor(condition, "condition");
        } catch (RuntimeException e) {
            String message;
            try {
                message = shown.get();
            } catch (RuntimeException unreadable) {
                message = "(the page could not be read: " + unreadable.getMessage() + ")";
            }
            throw new AssertionError(message, e);
        }
    }

    /** Clicks, retrying while the element is being replaced by a redraw; scrolled clear of the sticky toolbar first. */
    public void click(By selector) {
        waitFor(() -> {
            WebElement element = driver.findElement(selector);
            script("arguments[0].scrollIntoView({block: 'center'})", element);
            element.click();
            return true;
        }, "click " + selector);
    }

    public void clickButton(String action) {
        click(button(action));
    }

    public static By button(String action) {
        return By.cssSelector("[data-action='" + action + "']");
    }

    /** Types into the form field of a config key (opening its group first, as a user would). */
    public void type(String key, String text) {
        WebElement field = reveal(key);
        field.clear();
        field.sendKeys(text);
    }

    /** Chooses a value of a config key's select (booleans and enumerations), as a user picking an option. */
    public void choose(String key, String value) {
        new org.openqa.selenium.support.ui.Select(reveal(key)).selectByValue(value);
    }

    /** The field of a config key, its collapsed group opened by a click on the group's heading. */
    private WebElement reveal(String key) {
        WebElement field = driver.findElement(field(key));
        if (!field.isDisplayed()) {
            WebElement heading = (WebElement) script("return arguments[0].closest('details').querySelector('summary')", field);
            script("arguments[0].scrollIntoView({block: 'center'})", heading);
            heading.click();
        }
        script("arguments[0].scrollIntoView({block: 'center'})", field);
        return field;
    }

    public static By field(String key) {
        return By.cssSelector("input[data-key='" + key + "'], select[data-key='" + key + "']");
    }

    /** The errors shown beside a config key's field. */
    public List<String> fieldErrors(String key) {
        for (int attempt = 0; ; attempt++) {
            try {
                return driver.findElements(By.cssSelector(".field[data-key='" + key + "'] .field-errors li"))
                        .stream().map(WebElement::getText).toList();
            } catch (StaleElementReferenceException e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }

    public String figureText(String figure) {
        return textOrEmpty(By.cssSelector("[data-figure='" + figure + "'] .v")).trim();
    }

    public long figureNumber(String figure) {
        return parse(figureText(figure));
    }

    public String taskState(int task) {
        return textOrEmpty(By.cssSelector("#tasks tbody tr[data-task='" + task + "'] .state"));
    }

    public long rowNumber(String connector, String field) {
        return parse(text(By.cssSelector(row(connector) + " td[data-field='" + field + "']")));
    }

    public String rowState(String connector) {
        return text(By.cssSelector(row(connector) + " .state"));
    }

    public static String row(String connector) {
        return "#connectors tbody tr[data-connector='" + connector + "']";
    }

    public List<WebElement> all(By selector) {
        return driver.findElements(selector);
    }

    /** The element's text; an element replaced while it is read is read again. */
    public String text(By selector) {
        String found = textOrEmpty(selector);
        if (found.isEmpty() && driver.findElements(selector).isEmpty()) {
            throw new NoSuchElementException("nothing matches " + selector);
        }
        return found;
    }

    public String textOrEmpty(By selector) {
        for (int attempt = 0; ; attempt++) {
            try {
                List<WebElement> found = driver.findElements(selector);
                return found.isEmpty() ? "" : found.get(0).getText();
            } catch (StaleElementReferenceException e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }

    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    /** A number as the console shows it ("12,345"); -1 for "–" (not known) or nothing. */
    public static long parse(String text) {
        String digits = text.replace(",", "").trim();
        if (digits.isEmpty() || digits.equals("–")) {
            return -1;
        }
        return Math.round(Double.parseDouble(digits));
    }

    public void screenshot(String name) {
        try {
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        } catch (IOException | RuntimeException e) {
            System.err.println("Could not save screenshot " + name + ": " + e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
