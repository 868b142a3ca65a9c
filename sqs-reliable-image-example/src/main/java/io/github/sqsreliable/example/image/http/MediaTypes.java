package io.github.sqsreliable.example.image.http;

import io.github.sqsreliable.example.image.imaging.ImageFormat;
import io.github.sqsreliable.example.image.imaging.ImageProcessor;
import io.github.sqsreliable.example.image.imaging.UnsupportedImageException;
import java.util.Locale;

/** Content types: which an upload may declare, and which to answer for stored bytes. */
final class MediaTypes {

    static final String PNG = "image/png";
    static final String OCTET_STREAM = "application/octet-stream";

    private MediaTypes() {
    }

    /**
     * Whether an upload may declare {@code contentType}: any {@code image/*} or {@code application/octet-stream}.
     * The declaration is only a first filter; {@link io.github.sqsreliable.example.image.pipeline.Ingress} trusts
     * the bytes, not the header.
     */
    static boolean acceptableUpload(String contentType) {
        String essence = essence(contentType);
        return (essence.startsWith("image/") && essence.length() > "image/".length()) || essence.equals(OCTET_STREAM);
    }

    /** The type, without parameters, lower-case: {@code "Image/JPEG; q=1"} gives {@code "image/jpeg"}. */
    static String essence(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** The type of an original, from its magic bytes; {@value #OCTET_STREAM} if it is no known format. */
    static String ofImage(byte[] bytes) {
        ImageFormat format;
        try {
            format = ImageProcessor.detectFormat(bytes);
        } catch (UnsupportedImageException e) {
            return OCTET_STREAM;
        }
        return switch (format) {
            case JPEG -> "image/jpeg";
            case PNG -> PNG;
            case GIF -> "image/gif";
            case BMP -> "image/bmp";
        };
    }
}
