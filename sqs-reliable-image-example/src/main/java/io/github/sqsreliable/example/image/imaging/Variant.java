package io.github.sqsreliable.example.image.imaging;

/**
 * The renditions {@link ImageProcessor} produces, all encoded as PNG. Each fits its longest side into
 * {@link #maxSide()} pixels, keeps the aspect ratio and is never larger than the original.
 */
public enum Variant {
    /** Longest side 128 px. */
    SMALL("small", 128, false),
    /** Longest side 512 px. */
    MEDIUM("medium", 512, false),
    /** Longest side 1024 px. */
    LARGE("large", 1024, false),
    /** Grayscale (Rec. 601 luma), longest side 512 px. */
    GRAYSCALE("grayscale", 512, true);

    private final String id;
    private final int maxSide;
    private final boolean grayscale;

    Variant(String id, int maxSide, boolean grayscale) {
        this.id = id;
        this.maxSide = maxSide;
        this.grayscale = grayscale;
    }

    /** The name used in {@link ProcessedImage#variants()} and in blob keys, e.g. {@code "small"}. */
    public String id() {
        return id;
    }

    /** The longest side of the rendition in pixels, unless the original is smaller. */
    public int maxSide() {
        return maxSide;
    }

    /** Whether the rendition is grayscale. */
    public boolean grayscale() {
        return grayscale;
    }
}
