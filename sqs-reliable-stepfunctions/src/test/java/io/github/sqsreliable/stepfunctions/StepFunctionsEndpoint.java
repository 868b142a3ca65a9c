package io.github.sqsreliable.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnAsyncClient;

/**
 * A local Step Functions endpoint speaking its JSON protocol ({@code X-Amz-Target: AWSStepFunctions.<Action>},
 * {@code application/x-amz-json-1.0}): it records the requests the AWS SDK really sends and answers each with
 * success ({@code {}}) or with an error scripted per action, as Step Functions writes errors ({@code __type}).
 */
final class StepFunctionsEndpoint implements AutoCloseable {

    static final String SUCCESS = "SendTaskSuccess";
    static final String FAILURE = "SendTaskFailure";
    static final String HEARTBEAT = "SendTaskHeartbeat";

    /** One request as received. */
    record Call(String action, JsonNode body, Instant at, String contentType) {
        String token() {
            return body.path("taskToken").asText(null);
        }

        String field(String name) {
            return body.path(name).asText(null);
        }
    }

    /** An error answer. */
    record Fault(int status, String type) {
        static final Fault THROTTLING = new Fault(400, "ThrottlingException");
        static final Fault TASK_TIMED_OUT = new Fault(400, "TaskTimedOut");
        static final Fault INVALID_TOKEN = new Fault(400, "InvalidToken");
        static final Fault TASK_DOES_NOT_EXIST = new Fault(400, "TaskDoesNotExist");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Fault>> next = new ConcurrentHashMap<>();
    private final Map<String, Fault> always = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, Duration> latencies = new ConcurrentHashMap<>();
    private final List<Call> answered = new CopyOnWriteArrayList<>();

    StepFunctionsEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** @return a client of this endpoint that does not retry, so that each failure reaches the task */
    SfnAsyncClient client() {
        return SfnAsyncClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /**
     * @param action e.g. {@link #SUCCESS}
     * @param fault what the next call of it answers; later calls succeed again
     */
    synchronized void failNext(String action, Fault fault) {
        next.computeIfAbsent(action, a -> new ArrayDeque<>()).add(fault);
    }

    /**
     * @param action e.g. {@link #HEARTBEAT}
     * @param fault what every call of it answers
     */
    void failAlways(String action, Fault fault) {
        always.put(action, fault);
    }

    /** @param action its calls are recorded at once but answered only after {@link #release(String)} */
    void hold(String action) {
        gates.put(action, new CountDownLatch(1));
    }

    /** @param action its held calls are answered, and later ones at once */
    void release(String action) {
        gates.remove(action).countDown();
    }

    /**
     * @param action its calls are answered this long after they arrived, as from a distant region
     * @param latency the delay
     */
    void latency(String action, Duration latency) {
        latencies.put(action, latency);
    }

    /** @return when each call of the action was answered, in order */
    List<Instant> answeredAt(String action) {
        return answered.stream().filter(c -> c.action().equals(action)).map(Call::at).toList();
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String action) {
        return calls.stream().filter(c -> c.action().equals(action)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String action = target == null ? "?" : target.substring(target.indexOf('.') + 1);
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        calls.add(new Call(action, body, Instant.now(), exchange.getRequestHeaders().getFirst("Content-Type")));
        CountDownLatch gate = gates.get(action);
        if (gate != null) {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Duration latency = latencies.get(action);
        if (latency != null) {
            try {
                Thread.sleep(latency.toMillis()); // the endpoint's own answer time, not a test waiting for something
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Fault fault = nextFault(action);
        byte[] answer = (fault == null ? "{}"
                : "{\"__type\":\"" + fault.type() + "\",\"message\":\"scripted " + fault.type() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().add("x-amzn-RequestId", "req-" + calls.size());
        exchange.sendResponseHeaders(fault == null ? 200 : fault.status(), answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
        answered.add(new Call(action, body, Instant.now(), null));
    }

    private synchronized Fault nextFault(String action) {
        Deque<Fault> scripted = next.get(action);
        if (scripted != null && !scripted.isEmpty()) {
            return scripted.poll();
        }
        return always.get(action);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
