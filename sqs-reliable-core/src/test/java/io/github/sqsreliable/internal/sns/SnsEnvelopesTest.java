package io.github.sqsreliable.internal.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.sqsreliable.SqsMessage;
import io.github.sqsreliable.idempotency.IdempotencyKey;
import io.github.sqsreliable.sns.MalformedEnvelopeException;
import io.github.sqsreliable.sns.SnsNotification;
import io.github.sqsreliable.sns.SubscriptionConfirmationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Envelopes in the exact layout SNS delivers to an SQS queue without raw message delivery (field order and spacing
 * as in AWS's documentation), unwrapped; other bodies passed through; broken envelopes and confirmations refused with
 * reasons that never quote a value (every value here holds SECRET).
 */
class SnsEnvelopesTest {

    static final String QUEUE = "http://127.0.0.1:9324/000000000000/orders";
    static final String TOPIC = "arn:aws:sns:us-west-2:123456789012:MyTopic";

    /** The documented notification, with a message attribute of each type SNS has. */
    static String notification(String message, boolean subject) {
        return "{\n"
                + "  \"Type\" : \"Notification\",\n"
                + "  \"MessageId\" : \"63a3f6b6-d533-4a47-aef9-fcf5cf758c76\",\n"
                + "  \"TopicArn\" : \"" + TOPIC + "\",\n"
                + (subject ? "  \"Subject\" : \"Testing publish to subscribed queues\",\n" : "")
                + "  \"Message\" : " + quote(message) + ",\n"
                + "  \"Timestamp\" : \"2012-03-29T05:12:16.901Z\",\n"
                + "  \"SignatureVersion\" : \"1\",\n"
                + "  \"Signature\" : \"EXAMPLEnTrFPa3...\",\n"
                + "  \"SigningCertURL\" : \"https://sns.us-west-2.amazonaws.com/SimpleNotificationService-"
                + "f3ecfb7224c7233fe7bb5f59f96de52f.pem\",\n"
                + "  \"UnsubscribeURL\" : \"https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                + TOPIC + ":c7fe3a54-ab0e-4ec2-88e0-db410a0f2bee\",\n"
                + "  \"MessageAttributes\" : {\n"
                + "    \"store\" : {\"Type\":\"String\",\"Value\":\"example_corp\"},\n"
                + "    \"price\" : {\"Type\":\"Number\",\"Value\":\"210.75\"},\n"
                + "    \"signature\" : {\"Type\":\"Binary\",\"Value\":\"c2lnbmVk\"},\n"
                + "    \"colors\" : {\"Type\":\"String.Array\",\"Value\":\"[\\\"red\\\",\\\"green\\\"]\"}\n"
                + "  }\n"
                + "}";
    }

    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static SqsMessage received(String body) {
        return SqsMessage.builder().queueUrl(QUEUE).messageId("sqs-id-1").body(body)
                .attributes(Map.of("ApproximateReceiveCount", "2"))
                .build();
    }

    @Test
    void aNotificationIsUnwrappedWithEveryKindOfAttribute() {
        SqsMessage unwrapped = SnsEnvelopes.unwrap(received(notification("{\"order\":1}", true)));

        assertThat(unwrapped.body()).isEqualTo("{\"order\":1}");
        assertThat(unwrapped.messageId()).isEqualTo("sqs-id-1");
        assertThat(unwrapped.receiveCount()).isEqualTo(2);
        assertThat(unwrapped.queueUrl()).isEqualTo(QUEUE);
        assertThat(unwrapped.snsNotification()).contains(new SnsNotification(TOPIC,
                "63a3f6b6-d533-4a47-aef9-fcf5cf758c76", Instant.parse("2012-03-29T05:12:16.901Z"),
                Optional.of("Testing publish to subscribed queues"),
                Optional.of("https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + TOPIC
                        + ":c7fe3a54-ab0e-4ec2-88e0-db410a0f2bee"), Optional.empty()));
        Map<String, MessageAttributeValue> attributes = unwrapped.messageAttributes();
        assertThat(attributes).containsOnlyKeys("store", "price", "signature", "colors");
        assertThat(attributes.get("store")).isEqualTo(MessageAttributeValue.builder().dataType("String")
                .stringValue("example_corp").build());
        assertThat(attributes.get("price")).isEqualTo(MessageAttributeValue.builder().dataType("Number")
                .stringValue("210.75").build());
        assertThat(attributes.get("signature").dataType()).isEqualTo("Binary");
        assertThat(attributes.get("signature").binaryValue().asString(StandardCharsets.UTF_8)).isEqualTo("signed");
        assertThat(attributes.get("colors")).isEqualTo(MessageAttributeValue.builder().dataType("String.Array")
                .stringValue("[\"red\",\"green\"]").build());
        assertThat(unwrapped.messageAttribute("store")).contains("example_corp");
    }

    @Test
    void aNotificationWithoutSubjectOrAttributesHasNone() {
        String body = "{\"Type\":\"Notification\",\"MessageId\":\"m-1\",\"TopicArn\":\"" + TOPIC + "\","
                + "\"Message\":\"hello\",\"Timestamp\":\"2024-05-01T10:15:30Z\",\"SignatureVersion\":\"1\","
                + "\"Signature\":\"x\",\"SigningCertURL\":\"https://x\",\"UnsubscribeURL\":\"https://y\"}";

        SqsMessage unwrapped = SnsEnvelopes.unwrap(received(body));

        assertThat(unwrapped.body()).isEqualTo("hello");
        assertThat(unwrapped.snsNotification().orElseThrow().subject()).isEmpty();
        assertThat(unwrapped.messageAttributes()).isEmpty();
        assertThat(SnsEnvelopes.unwrap(received(body.replace("\"Message\":", "\"Subject\":null,\"Message\":")))
                .snsNotification().orElseThrow().subject()).isEmpty();
    }

    @Test
    void aFifoTopicsSequenceNumberIsKept() {
        String body = notification("m", false).replace("\"Type\" : \"Notification\",",
                "\"Type\" : \"Notification\", \"SequenceNumber\" : \"10000000000000003000\",");

        assertThat(SnsEnvelopes.unwrap(received(body)).snsNotification().orElseThrow().sequenceNumber())
                .contains("10000000000000003000");
    }

    @Test
    void theQueuesOwnMessageAttributesAreKeptAndWinAClash() {
        MessageAttributeValue record = MessageAttributeValue.builder().dataType("String").stringValue("attempts=1")
                .build();
        MessageAttributeValue ours = MessageAttributeValue.builder().dataType("String").stringValue("sqs").build();
        SqsMessage message = SqsMessage.builder().queueUrl(QUEUE).messageId("sqs-id-1")
                .body(notification("m", true))
                .messageAttributes(Map.of("sqsreliable.failure", record, "store", ours))
                .build();

        SqsMessage unwrapped = SnsEnvelopes.unwrap(message);

        assertThat(unwrapped.messageAttributes()).containsEntry("sqsreliable.failure", record)
                .containsEntry("store", ours).containsKeys("price", "signature", "colors");
    }

    @Test
    void rawDeliveryAndOtherBodiesPassThroughUnchanged() {
        for (String body : new String[] {"plain text", "", "  ", "{\"order\":1}", "[1,2]", "{not json",
                "{\"Type\":\"Notification\",\"Message\":\"no topic arn\"}",
                "{\"TopicArn\":\"" + TOPIC + "\",\"Message\":\"no type\"}", "\"Type TopicArn\""}) {
            SqsMessage message = received(body);

            assertThat(SnsEnvelopes.unwrap(message)).as(body).isSameAs(message);
            assertThat(message.snsNotification()).isEmpty();
            assertThat(SnsEnvelopes.snsMessageIdOrMessageId(message)).isEqualTo("sqs-id-1");
        }
    }

    @Test
    void anUnwrappedMessageIsNotUnwrappedAgain() {
        SqsMessage once = SnsEnvelopes.unwrap(received(notification(notification("inner", false), false)));

        assertThat(SnsEnvelopes.unwrap(once)).isSameAs(once);
    }

    @Test
    void requiredFieldsMissingOrOfTheWrongTypeAreMalformed() {
        String good = notification("SECRET", true);
        assertMalformed(good.replace("\"MessageId\" :", "\"Other\" :"), "field MessageId is missing");
        assertMalformed(good.replace("\"Message\" :", "\"Other\" :"), "field Message is missing");
        assertMalformed(good.replace("\"Timestamp\" :", "\"Other\" :"), "field Timestamp is missing");
        assertMalformed(good.replace("\"Message\" : \"SECRET\"", "\"Message\" : {\"SECRET\":1}"),
                "field Message is not a string");
        assertMalformed(good.replace("\"MessageId\" : \"63a3f6b6-d533-4a47-aef9-fcf5cf758c76\"",
                "\"MessageId\" : 7"), "field MessageId is not a string");
        assertMalformed(good.replace("\"Subject\" : \"Testing publish to subscribed queues\"", "\"Subject\" : [1]"),
                "field Subject is not a string");
        assertMalformed(good.replace("2012-03-29T05:12:16.901Z", "SECRET"),
                "field Timestamp is not an ISO-8601 instant");
        assertMalformed(good.replace("\"Type\" : \"Notification\"", "\"Type\" : \"SECRET\""),
                "field Type is not Notification, SubscriptionConfirmation or UnsubscribeConfirmation");
        assertMalformed(good.replace("\"Type\" : \"Notification\"", "\"Type\" : 1"), "field Type is not a string");
    }

    @Test
    void brokenAttributesAreMalformedAndNamedByPositionNotName() {
        String good = notification("m", true);
        assertMalformed(good.replace("\"Value\":\"c2lnbmVk\"", "\"Value\":\"SECRET!!\""),
                "MessageAttributes entry 3 of 4 is of type Binary but its Value is not valid base64");
        assertMalformed(good.replace("{\"Type\":\"Number\",\"Value\":\"210.75\"}", "{\"Type\":\"SECRET\",\"Value\":\"1\"}"),
                "MessageAttributes entry 2 of 4 has a Type other than String, String.Array, Number or Binary");
        assertMalformed(good.replace("{\"Type\":\"String\",\"Value\":\"example_corp\"}", "\"SECRET\""),
                "MessageAttributes entry 1 of 4 is not an object with a string Type and a string Value");
        assertMalformed(good.replace("\"MessageAttributes\" : {", "\"MessageAttributes\" : [\"SECRET\"], \"x\" : {"),
                "field MessageAttributes is not a JSON object");
    }

    @Test
    void anEnvelopeThatIsNotValidJsonIsMalformed() {
        assertMalformed(notification("SECRET", true).substring(0, 300), "not valid JSON");
        assertMalformed(notification("SECRET", true) + " {\"SECRET\":1}", "more content follows the envelope");
    }

    @Test
    void aSubscriptionConfirmationSaysHowToConfirmAndIsNeverConfirmed() {
        String body = "{\n"
                + "  \"Type\" : \"SubscriptionConfirmation\",\n"
                + "  \"MessageId\" : \"165545c9-2a5c-472c-8df2-7ff2be2b3b1b\",\n"
                + "  \"Token\" : \"2336412f37SECRET\",\n"
                + "  \"TopicArn\" : \"arn:aws:sns:us-west-2:123456789012:SECRET\",\n"
                + "  \"Message\" : \"You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:"
                + "MyTopic.\\nTo confirm the subscription, visit the SubscribeURL included in this message.\",\n"
                + "  \"SubscribeURL\" : \"https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn="
                + "arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37SECRET\",\n"
                + "  \"Timestamp\" : \"2012-04-26T20:45:04.751Z\",\n"
                + "  \"SignatureVersion\" : \"1\",\n"
                + "  \"Signature\" : \"EXAMPLEpH+...\",\n"
                + "  \"SigningCertURL\" : \"https://sns.us-west-2.amazonaws.com/SimpleNotificationService-"
                + "f3ecfb7224c7233fe7bb5f59f96de52f.pem\"\n"
                + "}";

        SubscriptionConfirmationException e = catchThrowableOfType(SubscriptionConfirmationException.class,
                () -> SnsEnvelopes.unwrap(received(body)));

        assertThat(e.messageType()).isEqualTo("SubscriptionConfirmation");
        assertThat(e.getMessage()).isEqualTo("an SNS SubscriptionConfirmation, not a notification: to confirm the "
                + "subscription, use the SubscribeURL or the Token (sns:ConfirmSubscription) in this message's body; "
                + "it is never confirmed automatically");
        assertThat(e.getMessage().length()).isLessThanOrEqualTo(256); // the failure record keeps 256 characters
        SubscriptionConfirmationException unsubscribe = catchThrowableOfType(SubscriptionConfirmationException.class,
                () -> SnsEnvelopes.unwrap(received(body.replace("SubscriptionConfirmation",
                        "UnsubscribeConfirmation"))));
        assertThat(unsubscribe.messageType()).isEqualTo("UnsubscribeConfirmation");
        assertThat(unsubscribe.getMessage()).contains("the subscription was deleted").doesNotContain("SECRET");
    }

    @Test
    void snsMessageIdIsTheNotificationsIdForAnEnvelopeAndTheSqsIdOtherwise() throws Exception {
        IdempotencyKey key = IdempotencyKey.snsMessageId();

        assertThat(key.keyOf(received(notification("m", true)))).isEqualTo("63a3f6b6-d533-4a47-aef9-fcf5cf758c76");
        assertThat(key.keyOf(SnsEnvelopes.unwrap(received(notification("m", true)))))
                .isEqualTo("63a3f6b6-d533-4a47-aef9-fcf5cf758c76");
        assertThat(key.keyOf(received("{\"order\":1}"))).isEqualTo("sqs-id-1");
        assertThat(catchThrowableOfType(MalformedEnvelopeException.class,
                () -> key.keyOf(received(notification("m", true).replace("\"MessageId\" :", "\"Other\" :")))))
                .hasMessageContaining("field MessageId is missing");
    }

    private static void assertMalformed(String body, String problem) {
        MalformedEnvelopeException e = catchThrowableOfType(MalformedEnvelopeException.class,
                () -> SnsEnvelopes.unwrap(received(body)));
        assertThat(e).as(problem).isNotNull();
        assertThat(e.getMessage()).startsWith("malformed SNS envelope: ").contains(problem)
                .doesNotContain("SECRET");
    }
}
