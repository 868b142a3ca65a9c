package io.github.sqsreliable.example.image.lambda;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The no-argument constructors read the template's variables, and name the one that is missing. */
class FunctionEnvironmentTest {

    private static final Map<String, String> TEMPLATE_VARIABLES = Map.of(
            "RESIZE_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/resize-requests.fifo",
            "RESIZE_DEAD_LETTER_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/resize-requests-dlq.fifo",
            "CATALOG_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/catalog-requests",
            "CATALOG_RETRY_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/catalog-requests-retry",
            "CATALOG_DEAD_LETTER_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/catalog-requests-dlq",
            "IMAGES_BUCKET", "images",
            "CATALOG_TABLE", "catalog",
            "IDEMPOTENCY_TABLE", "idempotency");

    @Test
    void theResizeFunctionNamesAMissingVariable() {
        assertThatThrownBy(() -> new ResizeFunction(environmentWithout("IMAGES_BUCKET")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("environment variable IMAGES_BUCKET is not set");
    }

    @Test
    void theCatalogFunctionNamesAMissingVariable() {
        assertThatThrownBy(() -> new CatalogFunction(environmentWithout("CATALOG_RETRY_QUEUE_URL")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("environment variable CATALOG_RETRY_QUEUE_URL is not set");
    }

    @Test
    void aBlankVariableIsMissing() {
        Map<String, String> variables = new HashMap<>(TEMPLATE_VARIABLES);
        variables.put("IDEMPOTENCY_TABLE", " ");

        assertThatThrownBy(() -> new CatalogFunction(new FunctionEnvironment(variables)))
                .hasMessageStartingWith("environment variable IDEMPOTENCY_TABLE is not set");
    }

    private static FunctionEnvironment environmentWithout(String name) {
        Map<String, String> variables = new HashMap<>(TEMPLATE_VARIABLES);
        variables.remove(name);
        return new FunctionEnvironment(variables);
    }
}
