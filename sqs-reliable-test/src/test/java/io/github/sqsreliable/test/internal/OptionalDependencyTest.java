package io.github.sqsreliable.test.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionalDependencyTest {

    @Test
    void aMissingDependencyFailsNamingTheArtifactToAdd() {
        assertThatThrownBy(() -> OptionalDependency.require("com.example.NotThere", "com.example:not-there",
                "EmbeddedThing"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EmbeddedThing needs com.example:not-there")
                .hasMessageContaining("add it to your test dependencies");
    }

    @Test
    void dynamoDbLocalIsFoundOnTheKitsOwnTestClasspath() {
        assertThatCode(() -> OptionalDependency.require(DynamoDbLocalServer.MARKER_CLASS,
                DynamoDbLocalServer.ARTIFACT, "EmbeddedDynamoDb")).doesNotThrowAnyException();
    }

    @Test
    void theLambdaLibrariesAreFoundOnTheKitsOwnTestClasspath() {
        for (int i = 0; i < LambdaSerialization.MARKER_CLASSES.size(); i++) {
            String marker = LambdaSerialization.MARKER_CLASSES.get(i);
            String artifact = LambdaSerialization.ARTIFACTS.get(i);
            assertThatCode(() -> OptionalDependency.require(marker, artifact, "SqsEventSource"))
                    .doesNotThrowAnyException();
        }
    }
}
