package io.github.sqsreliable.internal.payload;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Words why a body cannot be read, from the error's kind, JSON path and location alone. Jackson's own messages quote
 * the body ({@code Unrecognized token 'abc'}), and a reason reaches logs and the dead-letter queue's failure record, so
 * no text of Jackson's is passed on, and a path shows a property name only when the target type declares it (a
 * map key or an unknown property is body text).
 */
public final class JsonProblems {

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]{0,63}");

    private JsonProblems() {
    }

    /**
     * @param type the target type
     * @return the reason for an empty or blank body
     */
    public static String empty(Class<?> type) {
        return prefix(type) + "the body is empty or white space only";
    }

    /**
     * @param type the target type
     * @return the reason for a body that is JSON {@code null}
     */
    public static String jsonNull(Class<?> type) {
        return prefix(type) + "the body is JSON null";
    }

    /**
     * @param type the target type
     * @param location where the extra content starts
     * @return the reason for content after the value
     */
    public static String trailing(Class<?> type, JsonLocation location) {
        return prefix(type) + "more content follows the JSON value" + at(location);
    }

    /**
     * @param type the target type
     * @param e what Jackson threw
     * @return the reason for a failure that is the type's fault, not the body's
     */
    public static String badDefinition(Class<?> type, InvalidDefinitionException e) {
        return "cannot read any message as " + type.getName() + ": Jackson cannot bind that type ("
                + e.getClass().getSimpleName() + "; does it have a usable constructor, a record or @JsonCreator?)";
    }

    /**
     * @param type the target type
     * @param e an I/O failure, which reading from a string should never cause
     * @return the reason
     */
    public static String unreadable(Class<?> type, Exception e) {
        return prefix(type) + "it could not be read (" + e.getClass().getSimpleName() + ")";
    }

    /**
     * @param e what Jackson threw
     * @param type the target type
     * @param limits the read limits in force, to name the one exceeded
     * @param mapper to tell which property names the types on the path declare
     * @param parserLocation where the parser stopped, for an error that carries no location of its own
     * @return what is wrong and where, without any text of the body
     */
    public static String describe(JacksonException e, Class<?> type, StreamReadConstraints limits, ObjectMapper mapper,
                                  JsonLocation parserLocation) {
        JsonLocation location = e.getLocation() != null && e.getLocation().getLineNr() > 0 ? e.getLocation()
                : parserLocation;
        return prefix(type) + problem(streamCause(e), limits) + path(e, mapper) + at(location);
    }

    /**
     * Databind wraps what the parser threw (a limit, a syntax error, the end of input) in a mapping exception that
     * knows the path: the kind comes from the parser's, the path from the wrapper.
     */
    private static JacksonException streamCause(JacksonException e) {
        Throwable cause = e;
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            if (cause instanceof StreamConstraintsException || cause instanceof JsonParseException
                    || cause instanceof JsonEOFException) {
                return (JacksonException) cause;
            }
        }
        return e;
    }

    private static String prefix(Class<?> type) {
        return "malformed payload for " + type.getName() + ": ";
    }

    private static String problem(JacksonException e, StreamReadConstraints limits) {
        if (e instanceof StreamConstraintsException) {
            return limitExceeded(e, limits);
        }
        if (e instanceof JsonEOFException) {
            return "the JSON ends in the middle of a value";
        }
        if (e instanceof InputCoercionException coercion) {
            return "a number out of range for " + typeName(coercion.getTargetType());
        }
        if (e instanceof JsonParseException) {
            return "not valid JSON";
        }
        if (e instanceof PropertyBindingException) {
            return "a property that the type does not declare";
        }
        if (e instanceof InvalidTypeIdException) {
            return "a type id that is unknown or refused (a type id naming a class is never accepted)";
        }
        if (e instanceof InvalidFormatException format) {
            return "a value that cannot be converted to " + typeName(format.getTargetType());
        }
        if (e instanceof MismatchedInputException mismatch) {
            return "a value of the wrong JSON type for " + typeName(mismatch.getTargetType());
        }
        if (e instanceof ValueInstantiationException instantiation) {
            Throwable cause = instantiation.getCause();
            return "a value that " + instantiation.getType().getRawClass().getName() + " refused to be built from"
                    + (cause == null ? "" : " (its constructor threw " + cause.getClass().getName() + ")");
        }
        if (e instanceof DatabindException) {
            return "a value that cannot be bound (" + e.getClass().getSimpleName() + ")";
        }
        return "unreadable JSON (" + e.getClass().getSimpleName() + ")";
    }

    /** Jackson names the limit in its message, which quotes only figures, never the body: read the kind from it. */
    private static String limitExceeded(JacksonException e, StreamReadConstraints limits) {
        String message = String.valueOf(e.getOriginalMessage());
        if (message.contains("nesting depth")) {
            return "nesting deeper than the limit of " + limits.getMaxNestingDepth() + " (maxNestingDepth)";
        }
        if (message.contains("Number value length")) {
            return "a number longer than the limit of " + limits.getMaxNumberLength() + " characters (maxNumberLength)";
        }
        if (message.contains("String value length")) {
            // Also what a number longer than this limit hits first: the parser's buffer checks it while it reads.
            return "a string (or number) longer than the limit of " + limits.getMaxStringLength() + " characters (maxStringLength)";
        }
        if (message.contains("Document length")) {
            return "a body longer than the limit of " + limits.getMaxDocumentLength()
                    + " characters (maxDocumentLength)";
        }
        if (message.contains("Name length")) {
            return "a property name longer than the limit of " + limits.getMaxNameLength() + " characters";
        }
        return "a read limit exceeded";
    }

    private static String typeName(Class<?> type) {
        return type == null ? "the expected type" : type.getName();
    }

    private static String path(JacksonException e, ObjectMapper mapper) {
        if (!(e instanceof JsonMappingException mapping)) {
            return "";
        }
        List<JsonMappingException.Reference> references = mapping.getPath();
        int shown = references.size();
        if (e instanceof PropertyBindingException && shown > 0) {
            shown--; // the unknown property's own name is body text
        }
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < shown; i++) {
            JsonMappingException.Reference reference = references.get(i);
            if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            } else if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(safeName(reference, mapper));
            }
        }
        return path.length() == 0 ? " at the top level" : " at " + path;
    }

    private static String safeName(JsonMappingException.Reference reference, ObjectMapper mapper) {
        Object from = reference.getFrom();
        Class<?> owner = from instanceof Class<?> c ? c : from == null ? null : from.getClass();
        if (owner == null || Map.class.isAssignableFrom(owner) || JsonNode.class.isAssignableFrom(owner)) {
            return "<key>";
        }
        String name = reference.getFieldName();
        return PLAIN_NAME.matcher(name).matches() && declares(mapper, owner, name) ? name : "<property>";
    }

    private static boolean declares(ObjectMapper mapper, Class<?> owner, String name) {
        if (Collection.class.isAssignableFrom(owner) || owner.isArray()) {
            return false;
        }
        try {
            List<BeanPropertyDefinition> properties = mapper.getDeserializationConfig()
                    .introspect(mapper.constructType(owner)).findProperties();
            return properties.stream().anyMatch(property -> property.getName().equals(name));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
