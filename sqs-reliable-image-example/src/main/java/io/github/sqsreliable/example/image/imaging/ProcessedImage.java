package io.github.sqsreliable.example.image.imaging;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@link ImageProcessor#process(byte[])}: the metadata of the original and its PNG variants by
 * {@link Variant#id()}, in {@link Variant} order.
 *
 * <p>Immutable: byte arrays are copied on the way in and on the way out, so no caller can change another's view.
 *
 * @param metadata the metadata of the original
 * @param variants the PNG bytes of each variant, keyed by variant id
 */
public record ProcessedImage(ImageMetadata metadata, Map<String, byte[]> variants) {

    /** Validates and copies the components. */
    public ProcessedImage {
        Objects.requireNonNull(metadata, "metadata");
        variants = copy(Objects.requireNonNull(variants, "variants"));
    }

    /** A copy of the variants map, in {@link Variant} order. */
    @Override
    public Map<String, byte[]> variants() {
        return copy(variants);
    }

    /** A copy of the PNG bytes of {@code variant}, if it was rendered. */
    public Optional<byte[]> variant(Variant variant) {
        return Optional.ofNullable(variants.get(variant.id())).map(byte[]::clone);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ProcessedImage that) || !metadata.equals(that.metadata)
                || !variants.keySet().equals(that.variants.keySet())) {
            return false;
        }
        return variants.entrySet().stream()
                .allMatch(e -> Arrays.equals(e.getValue(), that.variants.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        int hash = metadata.hashCode();
        for (Map.Entry<String, byte[]> e : variants.entrySet()) {
            hash = 31 * hash + e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
        }
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder sizes = new StringBuilder();
        variants.forEach((name, png) -> sizes.append(sizes.length() == 0 ? "" : ", ")
                .append(name).append('=').append(png.length).append(" B"));
        return "ProcessedImage[metadata=" + metadata + ", variants={" + sizes + "}]";
    }

    private static Map<String, byte[]> copy(Map<String, byte[]> source) {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        source.forEach((name, png) -> copy.put(Objects.requireNonNull(name, "variant name"),
                Objects.requireNonNull(png, "variant bytes").clone()));
        return Collections.unmodifiableMap(copy);
    }
}
