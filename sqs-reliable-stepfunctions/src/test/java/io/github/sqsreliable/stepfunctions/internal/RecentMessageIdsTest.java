package io.github.sqsreliable.stepfunctions.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentMessageIdsTest {

    @Test
    void anIdIsNewOnceAndForgottenWhenTheOldestPastTheCapacity() {
        RecentMessageIds ids = new RecentMessageIds(2);

        assertThat(ids.add("m-1")).isTrue();
        assertThat(ids.add("m-1")).isFalse();
        assertThat(ids.add("m-2")).isTrue();
        assertThat(ids.add("m-3")).isTrue();

        assertThat(ids.add("m-1")).as("dropped as the oldest").isTrue();
        assertThat(ids.add("m-3")).isFalse();
    }
}
