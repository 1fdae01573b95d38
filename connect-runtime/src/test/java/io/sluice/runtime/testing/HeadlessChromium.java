package io.sluice.runtime.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven through chromedriver for the console's browser tests (installed by .ci/install-chromium,
 * which .ci/run calls; the tests are skipped outside CI without it), started headless, and screenshots kept.
 */
public final class HeadlessChromium {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private HeadlessChromium() {
    }

    /**
     * Aborts the test when Chromium or chromedriver is missing (fails it under CI, where .ci/run installs them
     * before the build): installing software is not a test's job.
     */
    public static void requireInstalled() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "Chromium and chromedriver are missing (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): run .ci/install-chromium (apt-get, as root) to include the console's browser tests";
            if (System.getenv("CI") != null) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        Files.createDirectories(SCREENSHOTS);
    }

    /** A headless browser with its profile under dir. */
    public static WebDriver start(Path dir) throws IOException {
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1440,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/console-screenshots/chromedriver.log"))
                .build();
        return new ChromeDriver(service, options);
    }

    /** Waits up to a minute for condition (exceptions count as not yet); on time-out saves a screenshot and fails. */
    public static void waitFor(WebDriver browser, java.util.function.BooleanSupplier condition, String what) {
        try {
            new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(60))
                    .ignoring(RuntimeException.class).withMessage(what).until(d -> condition.getAsBoolean());
        } catch (RuntimeException e) {
            screenshot(browser, "failed-" + what.replaceAll("[^a-zA-Z0-9]+", "-"));
            throw e;
        }
    }

    /** Saves what the browser shows as target/console-screenshots/name.png (best effort). */
    public static void screenshot(WebDriver browser, String name) {
        try {
            byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        } catch (IOException | RuntimeException e) {
            System.err.println("Could not save screenshot " + name + ": " + e);
        }
    }
}
