package io.github.sqsreliable.dynamo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.idempotency.FencingToken;
import org.junit.jupiter.api.Test;

class TransactionalHandlerTest {

    private static final String KEY = "a".repeat(64);

    @Test
    void theRequestTokenIsTheSameForTheSameAcquisitionAndFitsDynamoDbsLimit() {
        FencingToken token = FencingToken.random();

        String requestToken = TransactionalHandler.requestToken(KEY, token);

        assertThat(requestToken).hasSizeLessThanOrEqualTo(36)
                .isEqualTo(TransactionalHandler.requestToken(KEY, new FencingToken(token.value())));
    }

    @Test
    void anotherTokenOrKeyGivesAnotherRequestToken() {
        FencingToken token = FencingToken.random();

        assertThat(TransactionalHandler.requestToken(KEY, token))
                .isNotEqualTo(TransactionalHandler.requestToken(KEY, FencingToken.random()))
                .isNotEqualTo(TransactionalHandler.requestToken("b".repeat(64), token));
    }
}
