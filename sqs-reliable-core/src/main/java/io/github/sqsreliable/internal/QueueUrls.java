package io.github.sqsreliable.internal;

import io.github.sqsreliable.InvalidConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;

/** Checks of queue URLs, shared by every builder. */
public final class QueueUrls {

    private QueueUrls() {
    }

    /**
     * Rejects anything that is not an http(s) URL ending with a queue name.
     *
     * @param field the builder field, for the exception
     * @param queueUrl the value, possibly null
     * @return the queue's name: the URL's last path segment
     * @throws InvalidConfigurationException naming the field and showing the value
     */
    public static String requireQueueUrl(String field, String queueUrl) {
        String problem = "(" + queueUrl + ") must be a queue URL such as "
                + "https://sqs.us-east-1.amazonaws.com/123456789012/orders";
        if (queueUrl == null) {
            throw InvalidConfigurationException.of(field, problem);
        }
        URI uri;
        try {
            uri = new URI(queueUrl);
        } catch (URISyntaxException e) {
            throw InvalidConfigurationException.of(field, problem);
        }
        String scheme = uri.getScheme();
        String path = uri.getPath();
        if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
                || uri.getHost() == null || path == null || path.substring(path.lastIndexOf('/') + 1).isBlank()) {
            throw InvalidConfigurationException.of(field, problem);
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * @param queueUrl a valid queue URL
     * @return whether it names a FIFO queue (SQS requires FIFO queue names to end with {@code .fifo})
     */
    public static boolean isFifo(String queueUrl) {
        return queueUrl.endsWith(".fifo");
    }

    /**
     * The URL of a queue named by its ARN, on the same endpoint as a queue the caller knows: SQS's dead-letter
     * queues are in the same region as their source queue, and queue URLs put the account and the name in the path.
     *
     * @param knownQueueUrl a valid queue URL of the same region
     * @param queueArn {@code arn:aws:sqs:REGION:ACCOUNT:NAME}
     * @return the queue's URL, or null when the ARN is not in that form
     */
    public static String fromArn(String knownQueueUrl, String queueArn) {
        String[] parts = queueArn == null ? new String[0] : queueArn.split(":", -1);
        if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals("sqs") || parts[4].isEmpty()
                || parts[5].isEmpty()) {
            return null;
        }
        URI known = URI.create(knownQueueUrl);
        String authority = known.getRawAuthority();
        return known.getScheme() + "://" + authority + "/" + parts[4] + "/" + parts[5];
    }
}
