package io.github.sqsreliable.internal.payload;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * Refuses every type id that names a class ({@code @JsonTypeInfo(use = CLASS / MINIMAL_CLASS)}), before the class is
 * loaded: a body must never choose which class is instantiated. Name-based ids ({@code use = NAME} with
 * {@code @JsonSubTypes}) never reach a validator, so they keep working. The base type stays indeterminate, not denied:
 * denying it would make Jackson reject the target type itself, for every message, as a definition error.
 */
public final class NoClassNameTypeIds extends PolymorphicTypeValidator.Base {

    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final NoClassNameTypeIds INSTANCE = new NoClassNameTypeIds();

    private NoClassNameTypeIds() {
    }

    @Override
    public Validity validateBaseType(MapperConfig<?> config, JavaType baseType) {
        return Validity.INDETERMINATE;
    }

    @Override
    public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
        return Validity.DENIED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
        return Validity.DENIED;
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
