package io.github.sqsreliable.internal.settle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** {@link MessageMover#sizeRefusal}: which refusals mean "too large", and the limit they name. */
class MessageMoverTest {

    private static SqsException refusal(String code, String message) {
        return (SqsException) SqsException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    @Test
    void readsTheLimitFromSqssRefusal() {
        SqsException tooLarge = refusal("InvalidParameterValue",
                "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.");

        assertThat(MessageMover.sizeRefusal(tooLarge)).isEqualTo(OptionalInt.of(262_144));
        assertThat(MessageMover.sizeRefusal(new CompletionException(tooLarge))).isEqualTo(OptionalInt.of(262_144));
    }

    @Test
    void recognisesElasticMqsRefusalWhichNamesNoLimit() {
        assertThat(MessageMover.sizeRefusal(refusal("InvalidAttributeValue", "MessageTooLong")))
                .isEqualTo(OptionalInt.empty());
    }

    @Test
    void otherRefusalsAreNotAboutSize() {
        assertThat(MessageMover.sizeRefusal(refusal("InvalidParameterValue", "DelaySeconds is out of range")))
                .isNull();
        assertThat(MessageMover.sizeRefusal(QueueDoesNotExistException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("QueueDoesNotExist")
                        .errorMessage("The specified queue does not exist.").build()).build())).isNull();
        assertThat(MessageMover.sizeRefusal(SdkClientException.create("connection reset"))).isNull();
    }
}
