package io.github.sqsreliable.example.image.imaging;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Detects the format from magic numbers. Formats we recognise but do not decode get their own message, so an
 * operator reading a dead letter knows "WebP" rather than "unknown".
 */
final class FormatSniffer {

    private static final int SHOWN_BYTES = 8;

    private FormatSniffer() {
    }

    static ImageFormat detect(byte[] bytes) {
        if (bytes.length == 0) {
            throw new UnsupportedImageException("empty input (0 bytes)");
        }
        if (startsWith(bytes, 0xFF, 0xD8, 0xFF)) {
            return ImageFormat.JPEG;
        }
        if (startsWith(bytes, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return ImageFormat.PNG;
        }
        if (startsWith(bytes, 'G', 'I', 'F', '8', '7', 'a') || startsWith(bytes, 'G', 'I', 'F', '8', '9', 'a')) {
            return ImageFormat.GIF;
        }
        // "BM" alone is too weak (plenty of text starts with it); the header size at offset 14 pins it down.
        if (startsWith(bytes, 'B', 'M') && bytes.length >= 18 && isBmpInfoHeaderSize(bytes)) {
            return ImageFormat.BMP;
        }
        String known = knownUnsupported(bytes);
        if (known != null) {
            throw new UnsupportedImageException("unsupported format " + known);
        }
        throw new UnsupportedImageException("not an image: unknown format (first bytes " + firstBytes(bytes) + ")");
    }

    private static boolean isBmpInfoHeaderSize(byte[] b) {
        int size = (b[14] & 0xFF) | (b[15] & 0xFF) << 8 | (b[16] & 0xFF) << 16 | (b[17] & 0xFF) << 24;
        return size == 12 || size == 40 || size == 52 || size == 56 || size == 64 || size == 108 || size == 124;
    }

    private static String knownUnsupported(byte[] b) {
        if (startsWith(b, 'I', 'I', 0x2A, 0x00) || startsWith(b, 'M', 'M', 0x00, 0x2A)) {
            return "TIFF";
        }
        if (startsWith(b, 'R', 'I', 'F', 'F') && b.length >= 12 && ascii(b, 8, 4).equals("WEBP")) {
            return "WebP";
        }
        if (b.length >= 12 && ascii(b, 4, 4).equals("ftyp")) {
            return "ISO media (" + ascii(b, 8, 4).trim() + ", e.g. HEIC/AVIF)";
        }
        if (startsWith(b, 0x00, 0x00, 0x01, 0x00)) {
            return "ICO";
        }
        if (startsWith(b, '%', 'P', 'D', 'F')) {
            return "PDF";
        }
        return null;
    }

    static String firstBytes(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(SHOWN_BYTES, bytes.length); i++) {
            text.append(i == 0 ? "" : " ").append(String.format("0x%02X", bytes[i] & 0xFF));
        }
        return bytes.length > SHOWN_BYTES ? text.append(" …").toString() : text.toString();
    }

    private static String ascii(byte[] b, int from, int length) {
        return new String(Arrays.copyOfRange(b, from, from + length), StandardCharsets.ISO_8859_1);
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
