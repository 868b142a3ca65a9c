package io.github.sqsreliable.example.image.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsFormatTest {

    /** What Prometheus 2.x and 3.x send when they scrape. */
    private static final String PROMETHEUS_SCRAPER = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    @Test
    void answersJsonWithoutAQueryOrAnAcceptHeader() {
        assertThat(MetricsFormat.negotiate(Optional.empty(), null)).isEqualTo(MetricsFormat.JSON);
    }

    @Test
    void answersJsonToWildcardsAsBrowsersAndCurlSendThem() {
        assertThat(MetricsFormat.negotiate(Optional.empty(), "*/*")).isEqualTo(MetricsFormat.JSON);
        assertThat(MetricsFormat.negotiate(Optional.empty(),
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")).isEqualTo(MetricsFormat.JSON);
    }

    @Test
    void answersThePrometheusTextFormatToTextPlain() {
        assertThat(MetricsFormat.negotiate(Optional.empty(), "text/plain")).isEqualTo(MetricsFormat.PROMETHEUS);
        assertThat(MetricsFormat.negotiate(Optional.empty(), "text/plain; version=0.0.4"))
                .isEqualTo(MetricsFormat.PROMETHEUS);
    }

    @Test
    void answersOpenMetricsToPrometheusItself() {
        assertThat(MetricsFormat.negotiate(Optional.empty(), PROMETHEUS_SCRAPER)).isEqualTo(MetricsFormat.OPENMETRICS);
    }

    @Test
    void followsTheQualitiesAndAtEqualQualityTheFirstListed() {
        assertThat(MetricsFormat.negotiate(Optional.empty(), "application/json;q=0.2, text/plain;q=0.9"))
                .isEqualTo(MetricsFormat.PROMETHEUS);
        assertThat(MetricsFormat.negotiate(Optional.empty(), "application/json, text/plain"))
                .isEqualTo(MetricsFormat.JSON);
        assertThat(MetricsFormat.negotiate(Optional.empty(), "text/plain;q=0")).isEqualTo(MetricsFormat.JSON);
    }

    @Test
    void theQueryParameterWinsOverAccept() {
        assertThat(MetricsFormat.negotiate(Optional.of("prometheus"), "application/json"))
                .isEqualTo(MetricsFormat.PROMETHEUS);
        assertThat(MetricsFormat.negotiate(Optional.of("OpenMetrics"), null)).isEqualTo(MetricsFormat.OPENMETRICS);
        assertThat(MetricsFormat.negotiate(Optional.of("json"), "text/plain")).isEqualTo(MetricsFormat.JSON);
    }

    @Test
    void refusesAnUnknownFormatNamingIt() {
        assertThatThrownBy(() -> MetricsFormat.negotiate(Optional.of("xml"), null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage("format must be json, prometheus or openmetrics, was 'xml'");
    }

    @Test
    void contentTypesAreThoseThePrometheusFormatsDefine() {
        assertThat(MetricsFormat.PROMETHEUS.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(MetricsFormat.OPENMETRICS.contentType())
                .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
    }
}
