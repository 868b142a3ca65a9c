package io.github.sqsreliable.example.image.http;

import java.util.Locale;
import java.util.Optional;

/**
 * The formats {@code GET /metrics} answers in, and how a request picks one: {@code ?format=json|prometheus|openmetrics}
 * first, else the {@code Accept} header's most preferred of {@code application/json}, {@code text/plain} (the
 * Prometheus text format) and {@code application/openmetrics-text}, else JSON. Wildcards choose nothing, so a browser
 * and a plain {@code curl} get JSON; Prometheus's scraper asks for OpenMetrics first and gets it.
 */
enum MetricsFormat {

    /** The example's own JSON: consumer metrics, pipeline counters, images per status. */
    JSON(Exchanges.JSON),
    /** The Prometheus text exposition format 0.0.4 of the consumers' {@code sqs.reliable.*} meters. */
    PROMETHEUS("text/plain; version=0.0.4; charset=utf-8"),
    /** The OpenMetrics 1.0 text format of the same meters. */
    OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

    private final String contentType;

    MetricsFormat(String contentType) {
        this.contentType = contentType;
    }

    /** The {@code Content-Type} of an answer in this format, as Prometheus expects it. */
    String contentType() {
        return contentType;
    }

    /**
     * The format a request asks for.
     *
     * @param format the {@code format} query parameter, if any
     * @param accept the {@code Accept} header, or null
     * @throws ApiException 400 if {@code format} names no format
     */
    static MetricsFormat negotiate(Optional<String> format, String accept) {
        if (format.isPresent()) {
            return switch (format.get().toLowerCase(Locale.ROOT)) {
                case "json" -> JSON;
                case "prometheus" -> PROMETHEUS;
                case "openmetrics" -> OPENMETRICS;
                default -> throw ApiException.badRequest(
                        "format must be json, prometheus or openmetrics, was '" + format.get() + "'");
            };
        }
        MetricsFormat best = JSON;
        double bestQuality = 0;
        for (String range : accept == null ? new String[0] : accept.split(",")) {
            MetricsFormat offered = switch (MediaTypes.essence(range)) {
                case "application/json" -> JSON;
                case "text/plain" -> PROMETHEUS;
                case "application/openmetrics-text" -> OPENMETRICS;
                default -> null;
            };
            double quality = quality(range);
            // Strictly better only: at equal preference the earlier range wins, as clients list them by preference.
            if (offered != null && quality > bestQuality) {
                best = offered;
                bestQuality = quality;
            }
        }
        return best;
    }

    /** The range's {@code q} parameter, 1 when absent, 0 when malformed. */
    private static double quality(String range) {
        for (String parameter : range.split(";")) {
            String[] nameAndValue = parameter.trim().split("=", 2);
            if (nameAndValue.length == 2 && nameAndValue[0].trim().equalsIgnoreCase("q")) {
                try {
                    double q = Double.parseDouble(nameAndValue[1].trim());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
