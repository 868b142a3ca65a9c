package io.github.sqsreliable.micrometer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A local CloudWatch endpoint that records the PutMetricData calls the AWS SDK sends (the query protocol: a form
 * body, gzip-compressed when large) and answers them as CloudWatch does.
 */
final class PutMetricDataRecorder implements AutoCloseable {

    /** One metric datum as sent. */
    record Datum(String namespace, String name, Map<String, String> dimensions, double value, String unit,
                 String storageResolution) {
    }

    private final HttpServer server;
    private final List<Datum> data = new CopyOnWriteArrayList<>();
    private final List<String> actions = new CopyOnWriteArrayList<>();

    PutMetricDataRecorder() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Datum> data() {
        return List.copyOf(data);
    }

    List<String> actions() {
        return List.copyOf(actions);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        InputStream in = new ByteArrayInputStream(body);
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        Map<String, String> form = new TreeMap<>();
        for (String pair : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        actions.add(form.get("Action"));
        for (int i = 1; form.containsKey("MetricData.member." + i + ".MetricName"); i++) {
            String prefix = "MetricData.member." + i + ".";
            Map<String, String> dimensions = new TreeMap<>();
            for (int d = 1; form.containsKey(prefix + "Dimensions.member." + d + ".Name"); d++) {
                dimensions.put(form.get(prefix + "Dimensions.member." + d + ".Name"),
                        form.get(prefix + "Dimensions.member." + d + ".Value"));
            }
            data.add(new Datum(form.get("Namespace"), form.get(prefix + "MetricName"), dimensions,
                    Double.parseDouble(form.get(prefix + "Value")), form.get(prefix + "Unit"),
                    form.get(prefix + "StorageResolution")));
        }
        byte[] answer = ("<PutMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"
                + "<ResponseMetadata><RequestId>" + actions.size() + "</RequestId></ResponseMetadata>"
                + "</PutMetricDataResponse>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/xml");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    /** @return the data whose name and dimensions match, in the order sent */
    List<Datum> find(String name, Map<String, String> dimensions) {
        List<Datum> found = new ArrayList<>();
        for (Datum datum : data) {
            if (datum.name().equals(name) && datum.dimensions().equals(dimensions)) {
                found.add(datum);
            }
        }
        return found;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
