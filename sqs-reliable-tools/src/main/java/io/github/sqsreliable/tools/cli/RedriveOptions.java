package io.github.sqsreliable.tools.cli;

import java.net.URI;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code redrive} options once checked ({@link RedriveCommand#options()}).
 *
 * @param deadLetterQueueUrl {@code --dlq}
 * @param targetQueueUrl {@code --to}
 * @param errorClass {@code --error-class}
 * @param maxMessages {@code --max}
 * @param peek {@code --peek [N]}: how many to show, {@value RedriveCommand#DEFAULT_PEEK} when N is left out
 * @param endpoint {@code --endpoint}
 * @param region {@code --region}
 */
record RedriveOptions(String deadLetterQueueUrl, Optional<String> targetQueueUrl, Optional<String> errorClass,
                      OptionalLong maxMessages, OptionalInt peek, Optional<URI> endpoint, Optional<String> region) {

    /** @return whether the endpoint is on this machine, where a local SQS (ElasticMQ) needs no credentials */
    boolean endpointIsLoopback() {
        if (endpoint.isEmpty()) {
            return false;
        }
        String host = endpoint.get().getHost();
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1");
    }
}
