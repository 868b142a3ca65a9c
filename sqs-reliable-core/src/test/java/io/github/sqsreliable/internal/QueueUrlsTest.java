package io.github.sqsreliable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueUrlsTest {

    @Test
    void aDeadLetterQueueArnBecomesAUrlOnTheSameEndpoint() {
        assertThat(QueueUrls.fromArn("https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
                "arn:aws:sqs:eu-west-1:123456789012:orders-dlq"))
                .isEqualTo("https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq");
        assertThat(QueueUrls.fromArn("http://127.0.0.1:9324/000000000000/orders.fifo",
                "arn:aws:sqs:elasticmq:000000000000:orders-dlq.fifo"))
                .isEqualTo("http://127.0.0.1:9324/000000000000/orders-dlq.fifo");
    }

    @Test
    void anythingElseIsNoQueue() {
        String known = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders";
        assertThat(QueueUrls.fromArn(known, null)).isNull();
        assertThat(QueueUrls.fromArn(known, "arn:aws:sns:eu-west-1:123456789012:topic")).isNull();
        assertThat(QueueUrls.fromArn(known, "arn:aws:sqs:eu-west-1::orders")).isNull();
        assertThat(QueueUrls.fromArn(known, "orders-dlq")).isNull();
    }
}
