package io.github.sqsreliable.stepfunctions.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnconfirmedOutputsTest {

    @Test
    void keepsAnOutputForItsMessageAndTokenUntilRemoved() {
        UnconfirmedOutputs outputs = new UnconfirmedOutputs();
        outputs.put("m-1", "token-1", "{\"a\":1}");

        assertThat(outputs.get("m-1", "token-1")).isEqualTo("{\"a\":1}");
        assertThat(outputs.get("m-1", "token-2")).as("another execution's copy").isNull();
        assertThat(outputs.get("m-2", "token-1")).isNull();
        outputs.remove("m-1");
        assertThat(outputs.get("m-1", "token-1")).isNull();
    }

    @Test
    void dropsTheOldestPastItsCount() {
        UnconfirmedOutputs outputs = new UnconfirmedOutputs(2, 1_000);
        outputs.put("m-1", "t", "1");
        outputs.put("m-2", "t", "2");
        outputs.put("m-3", "t", "3");

        assertThat(outputs.size()).isEqualTo(2);
        assertThat(outputs.get("m-1", "t")).isNull();
        assertThat(outputs.get("m-3", "t")).isEqualTo("3");
    }

    @Test
    void dropsTheOldestPastItsCharacters() {
        UnconfirmedOutputs outputs = new UnconfirmedOutputs(10, 10);
        outputs.put("m-1", "t", "12345");
        outputs.put("m-2", "t", "12345");
        assertThat(outputs.size()).isEqualTo(2);

        outputs.put("m-3", "t", "1");

        assertThat(outputs.get("m-1", "t")).isNull();
        assertThat(outputs.size()).isEqualTo(2);
        // replacing an output counts only its new length
        outputs.put("m-3", "t", "123");
        outputs.put("m-3", "t", "1");
        assertThat(outputs.get("m-2", "t")).isEqualTo("12345");
    }

    @Test
    void anOutputLargerThanTheWholeBudgetIsNotKept() {
        UnconfirmedOutputs outputs = new UnconfirmedOutputs(10, 4);
        outputs.put("m-1", "t", "12345");

        assertThat(outputs.size()).isZero();
    }
}
