package io.github.sqsreliable.test.internal;

/** Checks that an optional dependency of the kit is on the classpath before any of its classes is touched. Not API. */
public final class OptionalDependency {

    private OptionalDependency() {
    }

    /**
     * @param className a class of the dependency
     * @param artifact its Maven coordinates, {@code groupId:artifactId}
     * @param neededBy what needs it, e.g. {@code EmbeddedDynamoDb}
     * @throws IllegalStateException naming the artifact to add if the class cannot be found
     */
    public static void require(String className, String artifact, String neededBy) {
        try {
            Class.forName(className, false, OptionalDependency.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(neededBy + " needs " + artifact + ", an optional dependency of "
                    + "sqs-reliable-test: add it to your test dependencies (see docs/testing.md). Missing class: "
                    + className, e);
        }
    }
}
