package io.github.sqsreliable.example.image.samples;

import io.github.sqsreliable.example.image.imaging.ImageFormat;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Generates test images from a seed: the same seed gives the same pictures, and on the same JDK and fonts the
 * same bytes. Each sample draws from its own {@link Random} (seed mixed with the sample name), so the order in
 * which samples are requested does not matter.
 *
 * <p>The Exif JPEG carries an APP1 segment built by hand ({@link #exifSegment()}), because the JDK's JPEG writer
 * cannot write Exif; its fields are the {@code EXIF_*} constants.
 *
 * <p>Thread-safe (immutable).
 */
public final class SyntheticImages {

    /** The seed used by {@link #create()}: {@value}. */
    public static final long DEFAULT_SEED = 42L;
    /** The camera make written into {@link #exifJpeg()}. */
    public static final String EXIF_MAKE = "SqsReliable";
    /** The camera model written into {@link #exifJpeg()}. */
    public static final String EXIF_MODEL = "Synthetic Camera 1";
    /** The date taken written into {@link #exifJpeg()}. */
    public static final LocalDateTime EXIF_DATE_TAKEN = LocalDateTime.of(2024, 5, 17, 10, 30, 15);
    /** The orientation written into {@link #exifJpeg()} (6: rotate 90° clockwise to display). */
    public static final int EXIF_ORIENTATION = 6;
    /** The size declared by {@link #pixelBomb()}: {@value} × {@value} pixels. */
    public static final int BOMB_SIDE = 50_000;

    private final long seed;

    private SyntheticImages(long seed) {
        this.seed = seed;
    }

    /** A generator with {@link #DEFAULT_SEED}. */
    public static SyntheticImages create() {
        return create(DEFAULT_SEED);
    }

    /** A generator with the given seed. */
    public static SyntheticImages create(long seed) {
        return new SyntheticImages(seed);
    }

    /**
     * One generated input.
     *
     * @param name a file-name-like label, e.g. {@code "photo-3000x2000.jpg"}; the processor never looks at it
     * @param format the format, or empty for inputs that must be rejected
     * @param width the width in pixels (0 for rejected inputs)
     * @param height the height in pixels (0 for rejected inputs)
     * @param bytes the encoded bytes; copied on the way in and out
     */
    public record Sample(String name, Optional<ImageFormat> format, int width, int height, byte[] bytes) {

        /** Validates and copies the components. */
        public Sample {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(format, "format");
            bytes = Objects.requireNonNull(bytes, "bytes").clone();
        }

        /** A copy of the bytes. */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** Whether the sample is a decodable image. */
        public boolean valid() {
            return format.isPresent();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Sample that && name.equals(that.name) && format.equals(that.format)
                    && width == that.width && height == that.height && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, format, width, height) * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Sample[" + name + ", " + bytes.length + " B]";
        }
    }

    /** Every decodable sample, smallest first; includes {@link #largest()} and {@link #exifJpeg()}. */
    public List<Sample> valid() {
        return List.of(
                jpeg("tiny-64x48.jpg", 64, 48, false),
                bmp("portrait-200x300.bmp", 200, 300),
                png("badge-300x200.png", 300, 200),
                gif("banner-320x240.gif", 320, 240),
                exifJpeg(),
                jpeg("progressive-800x600.jpg", 800, 600, true),
                cmykJpeg("print-400x300-cmyk.jpg", 400, 300),
                png("poster-1200x1600.png", 1200, 1600),
                largest());
    }

    /** Inputs the processor must reject: truncated JPEG and PNG, random bytes, HTML, empty, a pixel bomb. */
    public List<Sample> corrupt() {
        byte[] jpeg = jpeg("whole.jpg", 640, 480, false).bytes();
        byte[] png = png("whole.png", 300, 200).bytes();
        byte[] noise = new byte[1024];
        random("noise").nextBytes(noise);
        noise[0] = 0x13; // no format starts with 0x13, so the sample can never look like an image by chance
        return List.of(
                rejected("truncated.jpg", Arrays.copyOf(jpeg, jpeg.length * 6 / 10)),
                rejected("truncated.png", Arrays.copyOf(png, png.length / 2)),
                rejected("random.bin", noise),
                rejected("page.html", "<html><body>not an image</body></html>\n".getBytes(StandardCharsets.UTF_8)),
                rejected("empty.jpg", new byte[0]),
                pixelBomb());
    }

    /**
     * A decodable sample of any format and size, painted from this generator's seed and {@code name}.
     *
     * @param name a label, also the painting's seed: equal names give equal pictures
     * @param format the encoding
     * @param width the width in pixels, at least 1
     * @param height the height in pixels, at least 1
     */
    public Sample sample(String name, ImageFormat format, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("width and height must be at least 1: " + width + "x" + height);
        }
        return switch (format) {
            case JPEG -> jpeg(name, width, height, false);
            case PNG -> png(name, width, height);
            case GIF -> gif(name, width, height);
            case BMP -> bmp(name, width, height);
        };
    }

    /**
     * A JPEG cut short at 60 % of its bytes: it starts like a JPEG (so an upload API accepts it) but cannot be
     * decoded (so the pipeline must dead-letter it).
     */
    public Sample truncatedJpeg(String name, int width, int height) {
        byte[] whole = jpeg(name, width, height, false).bytes();
        return rejected(name, Arrays.copyOf(whole, whole.length * 6 / 10));
    }

    /** The largest sample, a 3000 × 2000 JPEG: enough pixels that resizing is real work. */
    public Sample largest() {
        return jpeg("photo-3000x2000.jpg", 3000, 2000, false);
    }

    /** A 640 × 480 JPEG with an Exif block holding the {@code EXIF_*} constants. */
    public Sample exifJpeg() {
        Sample plain = jpeg("camera-640x480.jpg", 640, 480, false);
        return new Sample(plain.name(), plain.format(), 640, 480, insertAfterApp0(plain.bytes(), exifSegment()));
    }

    /**
     * A tiny but well-formed PNG declaring {@link #BOMB_SIDE} × {@link #BOMB_SIDE} 8-bit gray pixels (2.5 GB
     * decoded) with one row of data: only a header check can reject it without running out of memory.
     */
    public Sample pixelBomb() {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer header = ByteBuffer.allocate(13).putInt(BOMB_SIDE).putInt(BOMB_SIDE)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", header.array());
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(new byte[BOMB_SIDE + 1]); // filter byte plus one row of zeros
        deflater.finish();
        byte[] buffer = new byte[4096];
        int length = deflater.deflate(buffer);
        deflater.end();
        chunk(png, "IDAT", Arrays.copyOf(buffer, length));
        chunk(png, "IEND", new byte[0]);
        return rejected("bomb-50000x50000.png", png.toByteArray());
    }

    private Sample jpeg(String name, int width, int height, boolean progressive) {
        BufferedImage image = paint(name, width, height, false);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.85f);
        if (progressive) {
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        return new Sample(name, Optional.of(ImageFormat.JPEG), width, height,
                write(writer, param, new IIOImage(image, null, null)));
    }

    /**
     * A four-channel JPEG written from a raw raster, so no colour conversion happens: the decoder sees CMYK
     * (Adobe-style inverted) data, which the JDK's own reader refuses and TwelveMonkeys converts.
     */
    private Sample cmykJpeg(String name, int width, int height) {
        BufferedImage rgb = paint(name, width, height, false);
        WritableRaster cmyk = WritableRaster.createInterleavedRaster(
                DataBuffer.TYPE_BYTE, width, height, 4, null);
        int[] pixel = new int[4];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int argb = rgb.getRGB(x, y);
                int r = argb >> 16 & 0xFF;
                int g = argb >> 8 & 0xFF;
                int b = argb & 0xFF;
                int k = 255 - Math.max(r, Math.max(g, b));
                // stored inverted, as Photoshop does
                pixel[0] = 255 - (k == 255 ? 0 : (255 - r - k) * 255 / (255 - k));
                pixel[1] = 255 - (k == 255 ? 0 : (255 - g - k) * 255 / (255 - k));
                pixel[2] = 255 - (k == 255 ? 0 : (255 - b - k) * 255 / (255 - k));
                pixel[3] = 255 - k;
                cmyk.setPixel(x, y, pixel);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        return new Sample(name, Optional.of(ImageFormat.JPEG), width, height,
                write(writer, param, new IIOImage(cmyk, null, null)));
    }

    private Sample png(String name, int width, int height) {
        return encoded(name, ImageFormat.PNG, "png", paint(name, width, height, true));
    }

    private Sample gif(String name, int width, int height) {
        return encoded(name, ImageFormat.GIF, "gif", paint(name, width, height, false));
    }

    private Sample bmp(String name, int width, int height) {
        BufferedImage rgb = paint(name, width, height, false);
        BufferedImage bgr = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(rgb, 0, 0, null);
        return encoded(name, ImageFormat.BMP, "bmp", bgr);
    }

    private static Sample encoded(String name, ImageFormat format, String writerName, BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, writerName, out)) {
                throw new IllegalStateException("no " + writerName + " writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Sample(name, Optional.of(format), image.getWidth(), image.getHeight(), out.toByteArray());
    }

    private static byte[] write(ImageWriter writer, ImageWriteParam param, IIOImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, image, param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** A gradient, a dozen translucent shapes and a label, so thumbnails are recognisable. */
    private BufferedImage paint(String name, int width, int height, boolean alpha) {
        Random random = random(name);
        BufferedImage image = new BufferedImage(width, height,
                alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, color(random), width, height, color(random)));
            if (alpha) {
                // transparent corners exercise the alpha path of the resizer and the grayscale filter
                int arc = Math.min(width, height) / 3;
                g.fill(new RoundRectangle2D.Float(0, 0, width, height, arc, arc));
            } else {
                g.fillRect(0, 0, width, height);
            }
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.7f));
            int unit = Math.max(4, Math.min(width, height) / 6);
            for (int i = 0; i < 12; i++) {
                g.setColor(color(random));
                float x = random.nextFloat() * width;
                float y = random.nextFloat() * height;
                float size = unit * (0.5f + random.nextFloat());
                switch (i % 3) {
                    case 0 -> g.fill(new Ellipse2D.Float(x - size / 2, y - size / 2, size, size));
                    case 1 -> g.fill(new RoundRectangle2D.Float(x, y, size * 1.5f, size, size / 4, size / 4));
                    default -> {
                        g.setStroke(new BasicStroke(Math.max(1, unit / 10f)));
                        g.drawLine((int) x, (int) y, (int) (x + size * 2), (int) (y - size));
                    }
                }
            }
            g.setComposite(AlphaComposite.SrcOver);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(8, Math.min(width / 12, height / 4))));
            FontMetrics metrics = g.getFontMetrics();
            String label = width + "×" + height;
            int x = (width - metrics.stringWidth(label)) / 2;
            int y = (height + metrics.getAscent() - metrics.getDescent()) / 2;
            g.setColor(new Color(0, 0, 0, 140));
            g.drawString(label, x + 2, y + 2);
            g.setColor(Color.WHITE);
            g.drawString(label, x, y);
        } finally {
            g.dispose();
        }
        return image;
    }

    private Random random(String name) {
        return new Random(seed * 31 + name.hashCode());
    }

    private static Color color(Random random) {
        return Color.getHSBColor(random.nextFloat(), 0.5f + random.nextFloat() / 2, 0.6f + random.nextFloat() * 0.4f);
    }

    private static Sample rejected(String name, byte[] bytes) {
        return new Sample(name, Optional.empty(), 0, 0, bytes);
    }

    /**
     * A minimal Exif APP1 segment: {@code "Exif\0\0"}, a little-endian TIFF header, IFD0 with Make, Model,
     * Orientation and a pointer to the Exif sub-IFD, which holds DateTimeOriginal. Offsets count from the TIFF
     * header; the strings (all longer than 4 bytes, so stored out of line) follow the two directories.
     */
    static byte[] exifSegment() {
        byte[] make = ascii(EXIF_MAKE);
        byte[] model = ascii(EXIF_MODEL);
        byte[] date = ascii(EXIF_DATE_TAKEN.format(DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss")));
        int ifd0 = 8;
        int subIfd = ifd0 + 2 + 4 * 12 + 4;
        int data = subIfd + 2 + 12 + 4;
        ByteBuffer tiff = ByteBuffer.allocate(data + make.length + model.length + date.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd0);
        tiff.putShort((short) 4); // entries sorted by tag, as TIFF requires
        entry(tiff, 0x010F, 2, make.length, data);                            // Make, ASCII
        entry(tiff, 0x0110, 2, model.length, data + make.length);             // Model, ASCII
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1)           // Orientation, SHORT, inline
                .putShort((short) EXIF_ORIENTATION).putShort((short) 0);
        entry(tiff, 0x8769, 4, 1, subIfd);                                    // Exif sub-IFD pointer, LONG
        tiff.putInt(0);                                                       // no IFD1
        tiff.putShort((short) 1);
        entry(tiff, 0x9003, 2, date.length, data + make.length + model.length); // DateTimeOriginal, ASCII
        tiff.putInt(0);
        tiff.put(make).put(model).put(date);

        byte[] payload = tiff.array();
        ByteBuffer segment = ByteBuffer.allocate(4 + 6 + payload.length); // big-endian, as JPEG markers are
        segment.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (2 + 6 + payload.length));
        segment.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII)).put(payload);
        return segment.array();
    }

    private static void entry(ByteBuffer tiff, int tag, int type, int count, int value) {
        tiff.putShort((short) tag).putShort((short) type).putInt(count).putInt(value);
    }

    private static byte[] ascii(String text) {
        return (text + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    /** Exif belongs right after SOI, but after the JFIF APP0 is what many tools write and every reader accepts. */
    private static byte[] insertAfterApp0(byte[] jpeg, byte[] segment) {
        int at = 2;
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            at = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + segment.length);
        out.write(jpeg, 0, at);
        out.writeBytes(segment);
        out.write(jpeg, at, jpeg.length - at);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(typeBytes);
        png.writeBytes(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
