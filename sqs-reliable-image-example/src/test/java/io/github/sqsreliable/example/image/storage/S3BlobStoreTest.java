package io.github.sqsreliable.example.image.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.sqsreliable.example.image.pipeline.BlobStatusBoard;
import io.github.sqsreliable.example.image.pipeline.ImageRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link S3BlobStore} against a local HTTP endpoint that answers the S3 calls it makes (PutObject, GetObject,
 * HeadObject, DeleteObject, ListObjectsV2, path-style) from a map, and records the requests the SDK really sends.
 */
class S3BlobStoreTest {

    private static final String BUCKET = "images";

    private final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile int failWith;
    private HttpServer server;
    private S3Client s3;

    /** One request as the endpoint saw it: the body decoded if the SDK sent it aws-chunked. */
    record Recorded(String method, String path, Map<String, String> query, Map<String, String> headers,
            byte[] body) {

        String line() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&")));
        }
    }

    @BeforeEach
    void startEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        s3 = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
                .forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    @AfterEach
    void stopEndpoint() {
        s3.close();
        server.stop(0);
    }

    @Test
    void eachCallIsOneS3RequestForTheKeyUnderThePrefix() {
        S3BlobStore store = S3BlobStore.create(s3, BUCKET, "status/");
        byte[] bytes = "{\"id\":\"abc\"}".getBytes(StandardCharsets.UTF_8);

        store.put("abc.json", bytes);
        Optional<byte[]> read = store.get("abc.json");
        OptionalLong size = store.size("abc.json");
        List<String> keys = store.keys("");

        assertThat(requests).extracting(Recorded::line).containsExactly(
                "PUT /images/status/abc.json",
                "GET /images/status/abc.json",
                "HEAD /images/status/abc.json",
                "GET /images?list-type=2&prefix=status/");
        // The SDK streams the body signed, in aws-chunked encoding, with a CRC32 checksum in a trailer.
        assertThat(requests.get(0).body()).isEqualTo(bytes);
        assertThat(requests.get(0).headers())
                .containsEntry("content-encoding", "aws-chunked")
                .containsEntry("x-amz-decoded-content-length", Integer.toString(bytes.length))
                .containsEntry("x-amz-trailer", "x-amz-checksum-crc32")
                .hasEntrySatisfying("authorization", value -> assertThat(value)
                        .startsWith("AWS4-HMAC-SHA256 Credential=key/").contains("/eu-west-1/s3/aws4_request"));
        assertThat(objects).containsOnlyKeys("status/abc.json");
        assertThat(read).hasValue(bytes);
        assertThat(size).hasValue(bytes.length);
        assertThat(keys).containsExactly("abc.json");
    }

    @Test
    void whatIsNotStoredIsEmptyAndDeleteSaysWhetherItRemovedSomething() {
        S3BlobStore store = S3BlobStore.create(s3, BUCKET, "");
        store.put("originals/a", new byte[] {1, 2, 3});
        requests.clear();

        assertThat(store.get("originals/missing")).isEmpty();
        assertThat(store.size("originals/missing")).isEmpty();
        assertThat(store.exists("originals/a")).isTrue();
        assertThat(store.delete("originals/a")).isTrue();
        assertThat(store.delete("originals/a")).isFalse();

        assertThat(requests).extracting(Recorded::line).containsExactly(
                "GET /images/originals/missing",
                "HEAD /images/originals/missing",
                "HEAD /images/originals/a",
                "HEAD /images/originals/a",
                "DELETE /images/originals/a",
                "HEAD /images/originals/a");
        assertThat(objects).isEmpty();
    }

    @Test
    void keysListsUnderTheStorePrefixAndTheKeyPrefix() {
        S3BlobStore store = S3BlobStore.create(s3, BUCKET, "");
        store.put("variants/a/small.png", new byte[] {1});
        store.put("variants/b/small.png", new byte[] {2});
        store.put("originals/a", new byte[] {3});
        requests.clear();

        assertThat(store.keys("variants/")).containsExactlyInAnyOrder("variants/a/small.png", "variants/b/small.png");
        assertThat(requests).extracting(Recorded::line).containsExactly("GET /images?list-type=2&prefix=variants/");
    }

    @Test
    void aStatusBoardOverTheStoreKeepsOneObjectPerImage() {
        BlobStatusBoard board = BlobStatusBoard.over(S3BlobStore.create(s3, BUCKET, "status/"));
        ImageRecord queued = ImageRecord.queued("img1", "ada", 1, 42, Instant.parse("2026-12-07T10:00:00Z"));

        board.put(queued);
        board.update("img1", ImageRecord::retried);

        assertThat(objects).containsOnlyKeys("status/img1.json");
        assertThat(board.get("img1")).hasValueSatisfying(record -> assertThat(record.attempts()).isEqualTo(1));
        assertThat(board.all()).extracting(ImageRecord::id).containsExactly("img1");
    }

    @Test
    void s3FailuresSurfaceAsUncheckedIoExceptionsNamingTheBlob() {
        S3BlobStore store = S3BlobStore.create(s3, BUCKET, "");
        failWith = 403;

        assertThatThrownBy(() -> store.put("originals/a", new byte[] {1}))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot write blob 'originals/a' in s3://images/");
        assertThatThrownBy(() -> store.get("originals/a")).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void invalidKeysAndPrefixesAreRejectedBeforeAnyRequest() {
        S3BlobStore store = S3BlobStore.create(s3, BUCKET, "");

        assertThatThrownBy(() -> store.put("../etc/passwd", new byte[] {1})).isInstanceOf(InvalidBlobKeyException.class);
        assertThatThrownBy(() -> S3BlobStore.create(s3, BUCKET, "status"))
                .hasMessage("prefix 'status' must be empty or end with '/'");
        assertThatThrownBy(() -> S3BlobStore.create(s3, " ", "")).hasMessageContaining("bucket must not be blank");
        assertThat(requests).isEmpty();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            Recorded request = record(exchange);
            requests.add(request);
            if (failWith != 0) {
                error(exchange, failWith, "AccessDenied", "Access Denied");
                return;
            }
            String prefix = "/" + BUCKET;
            if (!request.path().startsWith(prefix)) {
                error(exchange, 404, "NoSuchBucket", "The specified bucket does not exist");
                return;
            }
            String key = request.path().length() > prefix.length() ? request.path().substring(prefix.length() + 1) : "";
            switch (request.method()) {
                case "PUT" -> {
                    objects.put(key, request.body());
                    exchange.getResponseHeaders().add("ETag", "\"etag\"");
                    exchange.sendResponseHeaders(200, -1);
                }
                case "GET" -> {
                    if (key.isEmpty() && "2".equals(request.query().get("list-type"))) {
                        list(exchange, request.query().getOrDefault("prefix", ""));
                    } else if (objects.containsKey(key)) {
                        byte[] body = objects.get(key);
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                    } else {
                        error(exchange, 404, "NoSuchKey", "The specified key does not exist.");
                    }
                }
                case "HEAD" -> {
                    if (objects.containsKey(key)) {
                        exchange.getResponseHeaders().add("Content-Length", Integer.toString(objects.get(key).length));
                        exchange.sendResponseHeaders(200, -1);
                    } else {
                        exchange.sendResponseHeaders(404, -1);
                    }
                }
                case "DELETE" -> {
                    objects.remove(key);
                    exchange.sendResponseHeaders(204, -1);
                }
                default -> error(exchange, 405, "MethodNotAllowed", request.method());
            }
        }
    }

    private void list(HttpExchange exchange, String prefix) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + BUCKET + "</Name>"
                + "<Prefix>" + prefix + "</Prefix><IsTruncated>false</IsTruncated>");
        objects.forEach((key, body) -> {
            if (key.startsWith(prefix)) {
                xml.append("<Contents><Key>").append(key).append("</Key><Size>").append(body.length)
                        .append("</Size></Contents>");
            }
        });
        xml.append("</ListBucketResult>");
        send(exchange, 200, xml.toString());
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        send(exchange, status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>"
                + message + "</Message></Error>");
    }

    private static void send(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Recorded record(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
        Map<String, String> query = new TreeMap<>();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int equals = pair.indexOf('=');
                query.put(decode(equals < 0 ? pair : pair.substring(0, equals)),
                        equals < 0 ? "" : decode(pair.substring(equals + 1)));
            }
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        if (headers.getOrDefault("content-encoding", "").contains("aws-chunked")) {
            body = unchunk(body);
        }
        return new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), query, headers, body);
    }

    /** The payload of an aws-chunked body: hex size[;extensions] CRLF data CRLF ..., ending with a 0 chunk. */
    private static byte[] unchunk(byte[] chunked) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOfCrLf(chunked, at);
            String header = new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(header.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                return payload.toByteArray(); // what follows are trailers (the checksum), not payload
            }
            payload.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static int indexOfCrLf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length - 1; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalArgumentException("no CRLF after byte " + from);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }
}
