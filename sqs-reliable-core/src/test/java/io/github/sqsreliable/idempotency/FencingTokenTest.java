package io.github.sqsreliable.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FencingTokenTest {

    @Test
    void tokensDrawnConcurrentlyAreAllDistinct() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 100_000).parallel().forEach(i -> seen.add(FencingToken.random().value()));

        assertThat(seen).hasSize(100_000);
    }

    @Test
    void tokensUseAUuidsAlphabetSoStoresCanEmbedThem() {
        List<String> tokens = IntStream.range(0, 1_000).mapToObj(i -> FencingToken.random().value()).toList();

        assertThat(tokens).allMatch(token -> token.matches("[0-9a-f-]+"), "lower-case hex and '-' only");
        // 96 random bits: two processes (or class loaders) do not share a prefix.
        assertThat(tokens.get(0)).matches("[0-9a-f]{24}-[0-9a-f]+");
    }

    @Test
    void rejectsABlankValue() {
        assertThatThrownBy(() -> new FencingToken(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
    }
}
