package io.github.sqsreliable.example.image.imaging;

/**
 * The input formats {@link ImageProcessor} decodes. Detected from the leading bytes, never from a file name.
 */
public enum ImageFormat {
    /** JPEG/JFIF/Exif, baseline or progressive, RGB, grayscale or CMYK. */
    JPEG("jpeg"),
    /** PNG. */
    PNG("png"),
    /** GIF 87a or 89a; only the first frame is used. */
    GIF("gif"),
    /** Windows BMP. */
    BMP("bmp");

    private final String imageIoName;

    ImageFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /** The ImageIO format name used to look up readers. */
    String imageIoName() {
        return imageIoName;
    }
}
