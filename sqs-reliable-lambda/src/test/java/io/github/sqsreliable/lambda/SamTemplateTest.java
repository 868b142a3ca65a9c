package io.github.sqsreliable.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.sqsreliable.dynamo.DynamoDbIdempotencyStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks docs/template.yaml, the SAM template of the image pipeline's Lambda form: no cfn-lint here, so this. */
class SamTemplateTest {

    private static final Path TEMPLATE = Path.of("..", "docs", "template.yaml");
    private static final Pattern SUB_REFERENCE = Pattern.compile("\\$\\{([A-Za-z0-9]+)(?:\\.[A-Za-z]+)?}");

    private static JsonNode template;
    private static JsonNode resources;

    @BeforeAll
    static void parse() throws IOException {
        template = new ObjectMapper(new YAMLFactory()).readTree(TEMPLATE.toFile());
        resources = template.path("Resources");
    }

    @Test
    void isASamTemplate() {
        assertThat(template.path("AWSTemplateFormatVersion").asText()).isEqualTo("2010-09-09");
        assertThat(template.path("Transform").asText()).isEqualTo("AWS::Serverless-2016-10-31");
    }

    @Test
    void declaresThePipelinesResources() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("ResizeRequestsQueue", "AWS::SQS::Queue"),
                Map.entry("ResizeRequestsDeadLetterQueue", "AWS::SQS::Queue"),
                Map.entry("CatalogRequestsQueue", "AWS::SQS::Queue"),
                Map.entry("CatalogRequestsRetryQueue", "AWS::SQS::Queue"),
                Map.entry("CatalogRequestsDeadLetterQueue", "AWS::SQS::Queue"),
                Map.entry("ResizeFunction", "AWS::Serverless::Function"),
                Map.entry("CatalogFunction", "AWS::Serverless::Function"),
                Map.entry("ImagesBucket", "AWS::S3::Bucket"),
                Map.entry("CatalogTable", "AWS::DynamoDB::Table"),
                Map.entry("IdempotencyTable", "AWS::DynamoDB::Table"),
                Map.entry("ApiGatewaySqsRole", "AWS::IAM::Role"),
                Map.entry("ResizeApi", "AWS::ApiGateway::RestApi"),
                Map.entry("ResizeRequestsResource", "AWS::ApiGateway::Resource"),
                Map.entry("ResizeRequestModel", "AWS::ApiGateway::Model"),
                Map.entry("ResizeRequestValidator", "AWS::ApiGateway::RequestValidator"),
                Map.entry("ResizeRequestsPost", "AWS::ApiGateway::Method"),
                Map.entry("ResizeApiDeployment", "AWS::ApiGateway::Deployment"));
        Set<String> names = new TreeSet<>();
        resources.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((name, type) -> assertThat(resources.path(name).path("Type").asText()).as(name).isEqualTo(type));
    }

    @Test
    void everyReferenceNamesAResourceOrAPseudoParameter() {
        List<String> references = new ArrayList<>();
        collectReferences(template, references);

        assertThat(references).isNotEmpty();
        for (String reference : references) {
            assertThat(reference.startsWith("AWS::") || resources.has(reference)).as(reference).isTrue();
        }
    }

    @Test
    void theFunctionsAreJava17WithTheExamplesHandlersAndJar() {
        JsonNode globals = template.path("Globals").path("Function");
        assertThat(globals.path("Runtime").asText()).isEqualTo("java17");
        assertThat(globals.path("CodeUri").asText())
                .isEqualTo("../sqs-reliable-image-example/target/sqs-reliable-image-example-lambda.jar");
        assertThat(properties("ResizeFunction").path("Handler").asText())
                .isEqualTo("io.github.sqsreliable.example.image.lambda.ResizeFunction::handleRequest");
        assertThat(properties("CatalogFunction").path("Handler").asText())
                .isEqualTo("io.github.sqsreliable.example.image.lambda.CatalogFunction::handleRequest");
    }

    @Test
    void eachFunctionReadsItsQueuesReportingBatchItemFailures() {
        List<JsonNode> resize = sqsEvents("ResizeFunction");
        List<JsonNode> catalog = sqsEvents("CatalogFunction");

        assertThat(resize).extracting(event -> getAtt(event.path("Queue")))
                .containsExactly(List.of("ResizeRequestsQueue", "Arn"));
        // The catalog function also reads the retry queue its retry policy moves messages to.
        assertThat(catalog).extracting(event -> getAtt(event.path("Queue")))
                .containsExactly(List.of("CatalogRequestsQueue", "Arn"), List.of("CatalogRequestsRetryQueue", "Arn"));
        List<JsonNode> all = new ArrayList<>(resize);
        all.addAll(catalog);
        for (JsonNode event : all) {
            assertThat(event.path("BatchSize").asInt()).isEqualTo(10);
            assertThat(texts(event.path("FunctionResponseTypes"))).containsExactly("ReportBatchItemFailures");
            assertThat(event.path("ScalingConfig").path("MaximumConcurrency").asInt()).isBetween(2, 1000);
        }
        // A FIFO source takes no batching window; the standard ones do.
        assertThat(resize.get(0).has("MaximumBatchingWindowInSeconds")).isFalse();
        assertThat(catalog).allSatisfy(event ->
                assertThat(event.path("MaximumBatchingWindowInSeconds").asInt()).isBetween(1, 300));
    }

    @Test
    void eachQueuesVisibilityTimeoutIsSixTimesItsFunctionsTimeout() {
        for (String function : List.of("ResizeFunction", "CatalogFunction")) {
            int timeout = properties(function).path("Timeout").asInt();
            assertThat(timeout).as(function + " Timeout").isPositive();
            for (JsonNode event : sqsEvents(function)) {
                String queue = getAtt(event.path("Queue")).get(0);
                assertThat(properties(queue).path("VisibilityTimeout").asInt()).as(queue + " VisibilityTimeout")
                        .isEqualTo(6 * timeout);
            }
        }
    }

    @Test
    void theResizeQueueIsFifoAndEveryQueueRedrivesToADeadLetterQueueOfItsKindAfterItsAttemptsAndFiveMore() {
        assertThat(properties("ResizeRequestsQueue").path("QueueName").asText()).isEqualTo("resize-requests.fifo");
        assertThat(properties("ResizeRequestsQueue").path("FifoQueue").asBoolean()).isTrue();
        assertThat(properties("ResizeRequestsDeadLetterQueue").path("FifoQueue").asBoolean()).isTrue();
        assertThat(properties("ResizeRequestsDeadLetterQueue").path("QueueName").asText()).endsWith(".fifo");
        assertThat(properties("CatalogRequestsQueue").path("QueueName").asText()).isEqualTo("catalog-requests");
        for (String queue : List.of("CatalogRequestsQueue", "CatalogRequestsRetryQueue",
                "CatalogRequestsDeadLetterQueue")) {
            assertThat(properties(queue).has("FifoQueue")).as(queue).isFalse();
        }
        // The function's own retry policy (the image example's StagePolicies) gets every attempt it plans on a
        // queue before SQS redrives: resize 30 on its queue, catalog 2 on its queue and 6 on the retry queue. The
        // 5 more are for receives that never reach the function, as when Lambda throttles it.
        Map<String, Integer> attempts = Map.of("ResizeRequestsQueue", 30, "CatalogRequestsQueue", 2,
                "CatalogRequestsRetryQueue", 6);
        Map<String, String> deadLetterQueues = Map.of("ResizeRequestsQueue", "ResizeRequestsDeadLetterQueue",
                "CatalogRequestsQueue", "CatalogRequestsDeadLetterQueue",
                "CatalogRequestsRetryQueue", "CatalogRequestsDeadLetterQueue");
        deadLetterQueues.forEach((queue, deadLetterQueue) -> {
            JsonNode redrive = properties(queue).path("RedrivePolicy");
            assertThat(getAtt(redrive.path("deadLetterTargetArn"))).as(queue).containsExactly(deadLetterQueue, "Arn");
            assertThat(redrive.path("maxReceiveCount").asInt()).as(queue).isEqualTo(attempts.get(queue) + 5);
        });
    }

    @Test
    void theIdempotencyTableHasTheDynamoDbStoresKeyAndTtlAttribute() {
        JsonNode table = properties("IdempotencyTable");

        assertThat(table.path("KeySchema").get(0).path("AttributeName").asText())
                .isEqualTo(DynamoDbIdempotencyStore.DEFAULT_KEY_ATTRIBUTE);
        assertThat(table.path("AttributeDefinitions").get(0).path("AttributeType").asText()).isEqualTo("S");
        assertThat(table.path("TimeToLiveSpecification").path("AttributeName").asText())
                .isEqualTo(DynamoDbIdempotencyStore.DEFAULT_TTL_ATTRIBUTE);
        assertThat(table.path("TimeToLiveSpecification").path("Enabled").asBoolean()).isTrue();
        assertThat(properties("CatalogTable").path("KeySchema").get(0).path("AttributeName").asText())
                .isEqualTo("imageId");
    }

    @Test
    void theFunctionsGetTheQueueBucketAndTableNamesTheyNeed() {
        JsonNode variables = template.path("Globals").path("Function").path("Environment").path("Variables");
        Map<String, String> expected = Map.of("RESIZE_QUEUE_URL", "ResizeRequestsQueue",
                "RESIZE_DEAD_LETTER_QUEUE_URL", "ResizeRequestsDeadLetterQueue",
                "CATALOG_QUEUE_URL", "CatalogRequestsQueue",
                "CATALOG_RETRY_QUEUE_URL", "CatalogRequestsRetryQueue",
                "CATALOG_DEAD_LETTER_QUEUE_URL", "CatalogRequestsDeadLetterQueue",
                "IMAGES_BUCKET", "ImagesBucket", "CATALOG_TABLE", "CatalogTable",
                "IDEMPOTENCY_TABLE", "IdempotencyTable");
        assertThat(variables.size()).isEqualTo(expected.size());
        expected.forEach((name, resource) -> assertThat(variables.path(name).path("Ref").asText()).as(name)
                .isEqualTo(resource));
    }

    @Test
    void thePoliciesAreSamTemplatesScopedToThePipelinesResources() {
        assertThat(policies("ResizeFunction")).containsExactly("S3CrudPolicy ImagesBucket",
                "SQSSendMessagePolicy CatalogRequestsQueue", "SQSSendMessagePolicy ResizeRequestsDeadLetterQueue");
        // The catalog function reads and updates the status records kept in the bucket.
        assertThat(policies("CatalogFunction")).containsExactly("DynamoDBCrudPolicy CatalogTable",
                "DynamoDBCrudPolicy IdempotencyTable", "S3CrudPolicy ImagesBucket",
                "SQSSendMessagePolicy CatalogRequestsRetryQueue", "SQSSendMessagePolicy CatalogRequestsDeadLetterQueue");
    }

    @Test
    void theApiSendsTheBodyToTheFifoQueueGroupedByUser() {
        JsonNode integration = properties("ResizeRequestsPost").path("Integration");
        assertThat(integration.path("Type").asText()).isEqualTo("AWS");
        assertThat(integration.path("Uri").path("Fn::Sub").asText())
                .isEqualTo("arn:aws:apigateway:${AWS::Region}:sqs:path/${AWS::AccountId}/${ResizeRequestsQueue.QueueName}");
        assertThat(getAtt(integration.path("Credentials"))).containsExactly("ApiGatewaySqsRole", "Arn");
        assertThat(integration.path("RequestTemplates").path("application/json").asText())
                .startsWith("Action=SendMessage&MessageBody=$util.urlEncode($input.body)")
                .contains("&MessageGroupId=$util.urlEncode($input.path('$.userId'))")
                .contains("&MessageDeduplicationId=$util.urlEncode($input.path('$.imageId'))");
        JsonNode statement = properties("ApiGatewaySqsRole").path("Policies").get(0).path("PolicyDocument")
                .path("Statement").get(0);
        assertThat(statement.path("Action").asText()).isEqualTo("sqs:SendMessage");
        assertThat(getAtt(statement.path("Resource"))).containsExactly("ResizeRequestsQueue", "Arn");
        assertThat(texts(properties("ResizeRequestModel").path("Schema").path("required")))
                .containsExactly("imageId", "userId", "sequence", "originalKey");
    }

    private static JsonNode properties(String resource) {
        JsonNode properties = resources.path(resource).path("Properties");
        assertThat(properties.isObject()).as(resource + " Properties").isTrue();
        return properties;
    }

    private static List<JsonNode> sqsEvents(String function) {
        JsonNode events = properties(function).path("Events");
        assertThat(events.size()).as(function + " Events").isPositive();
        List<JsonNode> properties = new ArrayList<>();
        events.forEach(event -> {
            assertThat(event.path("Type").asText()).isEqualTo("SQS");
            properties.add(event.path("Properties"));
        });
        return properties;
    }

    private static List<String> getAtt(JsonNode node) {
        return texts(node.path("Fn::GetAtt"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }

    /** Each policy as "TemplateName Resource", the resource its one parameter refers to. */
    private static List<String> policies(String function) {
        List<String> policies = new ArrayList<>();
        for (JsonNode policy : properties(function).path("Policies")) {
            String name = policy.fieldNames().next();
            JsonNode parameter = policy.path(name).elements().next();
            String resource = parameter.has("Ref") ? parameter.path("Ref").asText() : getAtt(parameter).get(0);
            policies.add(name + " " + resource);
        }
        return policies;
    }

    private static void collectReferences(JsonNode node, List<String> references) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                switch (field.getKey()) {
                    case "Ref" -> references.add(field.getValue().asText());
                    case "Fn::GetAtt" -> references.add(field.getValue().get(0).asText());
                    case "Fn::Sub" -> {
                        Matcher matcher = SUB_REFERENCE.matcher(field.getValue().asText());
                        while (matcher.find()) {
                            references.add(matcher.group(1));
                        }
                    }
                    case "DependsOn" -> references.add(field.getValue().asText());
                    default -> collectReferences(field.getValue(), references);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collectReferences(element, references));
        }
    }
}
