package io.github.sqsreliable.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqsreliable.idempotency.FencingToken;
import org.junit.jupiter.api.Test;

class RecordsTest {

    private final FencingToken token = new FencingToken("0b7c2f4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f");

    @Test
    void aLeaseIsTheStateAndTheToken() {
        assertThat(Records.lease(token)).isEqualTo("|I|0b7c2f4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f");
    }

    @Test
    void theInProgressTailCarriesThePayloadHashOnlyWhenThereIsOne() {
        assertThat(Records.inProgressTail(token, null)).isEqualTo(Records.lease(token));
        assertThat(Records.inProgressTail(token, "9f86")).isEqualTo(Records.lease(token) + "|9f86");
        assertThat(Records.inProgressTail(token, "")).isEqualTo(Records.lease(token) + "|");
    }

    @Test
    void thePayloadHashIsReadBackAsWritten() {
        assertThat(Records.payloadHash("")).isNull();
        assertThat(Records.payloadHash("|")).isEmpty();
        assertThat(Records.payloadHash("|a|b")).isEqualTo("a|b");
    }
}
