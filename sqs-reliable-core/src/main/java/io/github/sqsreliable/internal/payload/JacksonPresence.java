package io.github.sqsreliable.internal.payload;

/**
 * Whether jackson-databind is on the class path. jackson-databind is an optional dependency of sqs-reliable-core:
 * builders ask here before they touch a class that needs it, so that a missing jar is a configuration error naming the
 * field, not a {@link NoClassDefFoundError} on the first message.
 */
public final class JacksonPresence {

    /** What to add, in every message that asks for it. */
    public static final String ADD_JACKSON = "add com.fasterxml.jackson.core:jackson-databind (2.x) to the class path";

    private JacksonPresence() {
    }

    /** @return whether jackson-databind can be loaded by sqs-reliable's own class loader */
    public static boolean present() {
        return present(JacksonPresence.class.getClassLoader());
    }

    static boolean present(ClassLoader loader) {
        try {
            Class.forName("com.fasterxml.jackson.databind.ObjectMapper", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
