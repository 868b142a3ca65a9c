package io.github.sqsreliable.example.image.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.example.image.demo.DemoOptions;
import io.github.sqsreliable.example.image.demo.DemoRun;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import io.github.sqsreliable.example.image.pipeline.ImageStatus;
import io.github.sqsreliable.example.image.pipeline.PipelineConfig;
import io.github.sqsreliable.test.EmbeddedSqs;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * After a demo, headless Chromium loads the gallery: every done image's thumbnail must have rendered, and the live
 * queue chart must have drawn the run's samples from {@code /metrics/history}.
 * Needs the distribution's chromium and chromium-driver. Where they are missing the test prints one line saying
 * so and is reported as skipped; {@code .ci/run} installs them and fails if this test did not run.
 */
class GalleryBrowserIT {

    private static final File CHROMIUM = new File(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    private static final File CHROMEDRIVER =
            new File(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));

    @TempDir
    Path dataDirectory;

    @Test
    void everyDoneImageThumbnailRendersInTheGallery() throws Exception {
        String missing = missingBrowser();
        if (missing != null) {
            // A JDK-only machine has no browser: say so in one line and report the test as skipped, not passed.
            System.out.println("GalleryBrowserIT did not run: " + missing);
            Assumptions.abort(missing);
        }
        PipelineConfig config = PipelineConfig.builder()
                .dataDirectory(dataDirectory)
                .sqsEndpoint(EmbeddedSqs.shared().endpoint())
                .queuePrefix("gallery-" + UUID.randomUUID().toString().substring(0, 8))
                .apiPort(0)
                .retryBackoff(Duration.ofMillis(200))
                .build();
        AtomicReference<List<String>> problems = new AtomicReference<>();
        AtomicReference<Integer> thumbnailsChecked = new AtomicReference<>(0);

        DemoRun.DemoResult result = DemoRun.run(new DemoOptions(24, 3, 1, config, Duration.ofMinutes(3),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false,
                baseUri -> checkGallery(baseUri, problems, thumbnailsChecked)));

        long done = result.summary().images().stream().filter(r -> r.status() == ImageStatus.DONE).count();
        assertThat(done).isEqualTo(23);
        assertThat(problems.get()).isEmpty();
        assertThat(thumbnailsChecked.get()).isEqualTo(23);
        List<String> failedIds = result.summary().images().stream()
                .filter(r -> r.status() == ImageStatus.FAILED).map(ImageRecord::id).toList();
        assertThat(failedIds).hasSize(1);
    }

    /** The chart's script has drawn a visible and an in-flight line per queue, each with the run's samples. */
    private static List<String> checkQueueChart(ChromeDriver driver) {
        JavascriptExecutor js = driver;
        try {
            new WebDriverWait(driver, Duration.ofSeconds(10)).until(ignored -> Boolean.TRUE.equals(js.executeScript(
                    "return document.querySelectorAll('#queue-depth-chart polyline.depth').length > 0;")));
        } catch (TimeoutException e) {
            return List.of("the queue chart drew no lines: "
                    + driver.findElement(By.id("queue-depth-chart")).getAttribute("innerHTML"));
        }
        List<String> found = new ArrayList<>();
        // Read every line in one script call: the chart redraws every 2 s, which would make element handles stale
        // between one read and the next.
        @SuppressWarnings("unchecked")
        List<List<String>> lines = (List<List<String>>) js.executeScript("return Array.from(document"
                + ".querySelectorAll('#queue-depth-chart polyline.depth')).map(l => [l.getAttribute('data-queue'),"
                + " l.getAttribute('class'), l.getAttribute('points') || '']);");
        if (lines.stream().noneMatch(line -> line.get(0).endsWith("-resize.fifo"))) {
            found.add("no line for the resize queue");
        }
        for (List<String> line : lines) {
            String points = line.get(2).trim();
            if (points.split(" ").length < 2 || points.contains("NaN")) {
                found.add("line " + line.get(1) + " of " + line.get(0) + " has too few points: '" + points + "'");
            }
        }
        return found;
    }

    /** @return what is missing for the browser check, or {@code null} if Chromium and ChromeDriver are there */
    private static String missingBrowser() {
        if (!CHROMIUM.canExecute()) {
            return "headless Chromium not found at " + CHROMIUM + "; install it with "
                    + "'apt-get install chromium chromium-driver' (or set -Dchromium.binary=PATH)";
        }
        if (!CHROMEDRIVER.canExecute()) {
            return "ChromeDriver not found at " + CHROMEDRIVER + "; install it with "
                    + "'apt-get install chromium-driver' (or set -Dchromedriver.binary=PATH)";
        }
        return null;
    }

    private void checkGallery(URI baseUri, AtomicReference<List<String>> problems, AtomicReference<Integer> checked) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1600", "--user-data-dir=" + dataDirectory.resolve("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            driver.get(baseUri.toString());
            // Wait for every image to finish loading, whatever its outcome.
            JavascriptExecutor js = driver;
            new WebDriverWait(driver, Duration.ofSeconds(20)).until(ignored -> Boolean.TRUE.equals(js.executeScript(
                    "return Array.from(document.images).every(i => i.complete);")));
            List<String> found = new ArrayList<>();
            List<WebElement> doneCards = driver.findElements(By.cssSelector("article.card[data-status='DONE']"));
            int count = 0;
            for (WebElement card : doneCards) {
                List<WebElement> thumbs = card.findElements(By.cssSelector("img.thumb"));
                String id = card.getAttribute("data-image-id");
                if (thumbs.isEmpty()) {
                    found.add(id + ": no thumbnail");
                    continue;
                }
                Object width = js.executeScript("return arguments[0].naturalWidth;", thumbs.get(0));
                if (!(width instanceof Number number) || number.intValue() <= 0) {
                    found.add(id + ": thumbnail did not render (naturalWidth " + width + ")");
                }
                count++;
            }
            if (doneCards.isEmpty()) {
                found.add("no done cards on the page: " + driver.getPageSource());
            }
            found.addAll(checkQueueChart(driver));
            byte[] screenshot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(Path.of("target", "gallery-screenshot.png"), screenshot);
            problems.set(found);
            checked.set(count);
        } catch (Exception e) {
            problems.set(List.of("browser check failed: " + e));
        } finally {
            driver.quit();
        }
    }
}
