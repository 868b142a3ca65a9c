package io.github.sqsreliable.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A fresh queue that {@link SqsTestExtension} created for one test, with its optional dead-letter and retry queues
 * (see {@link QueueOptions}). Immutable.
 */
public final class TestQueue {

    private final String name;
    private final String url;
    private final boolean fifo;
    private final String deadLetterQueueUrl;
    private final String retryQueueUrl;

    /**
     * @param name the queue's name
     * @param url the queue's URL
     * @param fifo whether it is a FIFO queue
     * @param deadLetterQueueUrl its dead-letter queue's URL, or {@code null} for none
     * @param retryQueueUrl its retry queue's URL, or {@code null} for none
     */
    TestQueue(String name, String url, boolean fifo, String deadLetterQueueUrl, String retryQueueUrl) {
        this.name = Objects.requireNonNull(name, "name");
        this.url = Objects.requireNonNull(url, "url");
        this.fifo = fifo;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.retryQueueUrl = retryQueueUrl;
    }

    /** @return the queue's name, unique per test, e.g. {@code handlesOrders-7-1f2e3d4c} */
    public String name() {
        return name;
    }

    /** @return the queue's URL, for {@code SqsConsumer.builder().queueUrl(...)} */
    public String url() {
        return url;
    }

    /** @return whether it is a FIFO queue */
    public boolean fifo() {
        return fifo;
    }

    /**
     * @return the dead-letter queue's URL, for {@code thenDeadLetter(...)}
     * @throws IllegalStateException if none was asked for with {@code @QueueOptions(deadLetterQueue = true)}
     */
    public String deadLetterQueueUrl() {
        if (deadLetterQueueUrl == null) {
            throw new IllegalStateException("queue " + name + " has no dead-letter queue: annotate the parameter "
                    + "with @QueueOptions(deadLetterQueue = true)");
        }
        return deadLetterQueueUrl;
    }

    /**
     * @return the retry queue's URL, for {@code thenQueue(...)}
     * @throws IllegalStateException if none was asked for with {@code @QueueOptions(retryQueue = true)}
     */
    public String retryQueueUrl() {
        if (retryQueueUrl == null) {
            throw new IllegalStateException("queue " + name + " has no retry queue: annotate the parameter "
                    + "with @QueueOptions(retryQueue = true)");
        }
        return retryQueueUrl;
    }

    /** @return the URLs of the queue and its companions, the queue first */
    List<String> allUrls() {
        List<String> urls = new ArrayList<>();
        urls.add(url);
        if (deadLetterQueueUrl != null) {
            urls.add(deadLetterQueueUrl);
        }
        if (retryQueueUrl != null) {
            urls.add(retryQueueUrl);
        }
        return urls;
    }

    @Override
    public String toString() {
        return "TestQueue[" + url + (deadLetterQueueUrl != null ? ", dlq=" + deadLetterQueueUrl : "")
                + (retryQueueUrl != null ? ", retry=" + retryQueueUrl : "") + "]";
    }
}
