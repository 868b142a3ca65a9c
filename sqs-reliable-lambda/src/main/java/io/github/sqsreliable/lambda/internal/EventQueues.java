package io.github.sqsreliable.lambda.internal;

import io.github.sqsreliable.SqsReliableException;
import io.github.sqsreliable.internal.receive.QueueProfile;
import io.github.sqsreliable.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;

/**
 * Which queue an event's records come from: the URL (as the retry policy names it, so that a retry queue's records
 * are known to be on that tier) and the queue's attributes, found once per queue and kept for the life of the
 * execution environment.
 */
final class EventQueues {

    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

    /** @param url the queue's URL @param profile its attributes, read once */
    record EventQueue(String url, String name, QueueProfile profile) {
    }

    private final SqsAsyncClient client;
    private final List<String> knownUrls;
    private final Map<String, EventQueue> byArn = new ConcurrentHashMap<>();

    /**
     * @param client reads queue URLs and attributes
     * @param configuredUrl the queue URL the user gave, or null
     * @param policy the retry policy, whose retry and dead-letter queues are known by URL
     */
    EventQueues(SqsAsyncClient client, String configuredUrl, RetryPolicy policy) {
        this.client = client;
        List<String> urls = new ArrayList<>();
        if (configuredUrl != null) {
            urls.add(configuredUrl);
        }
        policy.tiers().stream().filter(tier -> !tier.sameQueue()).forEach(tier -> urls.add(tier.queueUrl()));
        policy.deadLetterQueueUrl().ifPresent(urls::add);
        this.knownUrls = List.copyOf(urls);
    }

    /**
     * @param arn a record's eventSourceARN ({@code arn:aws:sqs:region:account:name})
     * @return the queue
     * @throws SqsReliableException if the ARN is not an SQS queue's, or the queue cannot be looked up
     */
    EventQueue of(String arn) {
        EventQueue known = byArn.get(arn);
        if (known != null) {
            return known;
        }
        EventQueue found = lookUp(arn);
        byArn.putIfAbsent(arn, found);
        return found;
    }

    private EventQueue lookUp(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":", 6);
        if (parts.length != 6 || !"arn".equals(parts[0]) || !"sqs".equals(parts[2]) || parts[5].isEmpty()) {
            throw new SqsReliableException("eventSourceARN '" + arn + "' is not an SQS queue's ARN "
                    + "(arn:aws:sqs:region:account:name); is the function triggered by an SQS event source mapping?");
        }
        String account = parts[4];
        String name = parts[5];
        String url = knownUrls.stream().filter(candidate -> names(candidate, account, name)).findFirst()
                .orElseGet(() -> queueUrl(account, name));
        return new EventQueue(url, name, QueueProfile.read(client, url, LOOKUP_TIMEOUT));
    }

    /** Whether a queue URL ({@code https://host/account/name}) names the queue {@code name} of {@code account}. */
    static boolean names(String url, String account, String name) {
        String[] path = url.replaceFirst("^https?://[^/]+/?", "").split("/");
        if (path.length == 2) {
            return path[1].equals(name) && path[0].equals(account);
        }
        return path.length == 1 && path[0].equals(name);
    }

    private String queueUrl(String account, String name) {
        GetQueueUrlRequest.Builder request = GetQueueUrlRequest.builder().queueName(name);
        if (!account.isEmpty()) {
            request.queueOwnerAWSAccountId(account);
        }
        try {
            return client.getQueueUrl(request.build()).get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .queueUrl();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SqsReliableException("interrupted while looking up the URL of queue " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new SqsReliableException("could not look up the URL of queue " + name + " (account " + account
                    + ") with GetQueueUrl: " + cause + "; set queueUrl(...) on the function's builder, and allow "
                    + "sqs:GetQueueUrl and sqs:GetQueueAttributes", cause);
        }
    }
}
