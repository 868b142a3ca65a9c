package io.github.sqsreliable.example.image.imaging;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Resizing, grayscale conversion and PNG encoding. Stateless. */
final class Renderer {

    /** ImageIO's PNG writer maps quality q to deflate level round(9 × (1 − q)): 0.7 is level 3. */
    private static final float PNG_COMPRESSION_QUALITY = 0.7f;

    private Renderer() {
    }

    /** Copies any decoded image (indexed, BGR, gray, CMYK-converted) into INT_RGB or INT_ARGB. */
    static BufferedImage normalize(BufferedImage image) {
        boolean alpha = image.getColorModel().hasAlpha();
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        if (image.getType() == type) {
            return image;
        }
        return draw(image, image.getWidth(), image.getHeight(), type, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    }

    /** The size that fits the longest side into {@code maxSide}, keeping the aspect ratio; never larger. */
    static int[] fit(int width, int height, int maxSide) {
        int longest = Math.max(width, height);
        if (longest <= maxSide) {
            return new int[] {width, height};
        }
        double scale = (double) maxSide / longest;
        int w = width >= height ? maxSide : Math.max(1, (int) Math.round(width * scale));
        int h = height > width ? maxSide : Math.max(1, (int) Math.round(height * scale));
        return new int[] {w, h};
    }

    /**
     * Scales {@code source} (already normalized) to {@code width}×{@code height}. A single bilinear or bicubic
     * step from far away samples only a few source pixels per target pixel and aliases badly, so the image is
     * halved with bilinear interpolation until within a factor of two, then finished with one bicubic step.
     */
    static BufferedImage resize(BufferedImage source, int width, int height) {
        BufferedImage current = source;
        int w = source.getWidth();
        int h = source.getHeight();
        while (w / 2 >= width && h / 2 >= height) {
            w /= 2;
            h /= 2;
            current = draw(current, w, h, current.getType(), RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        if (w != width || h != height) {
            current = draw(current, width, height, current.getType(), RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        }
        return current;
    }

    /**
     * Rec. 601 luma, written straight into the raster: drawing into a gray image would go through the linear
     * gray colour space and darken mid-tones. Alpha is kept, so transparent PNGs stay transparent.
     */
    static BufferedImage grayscale(BufferedImage source) {
        int w = source.getWidth();
        int h = source.getHeight();
        boolean alpha = source.getColorModel().hasAlpha();
        BufferedImage gray = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = gray.getRaster();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            source.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int luma = (int) Math.round(0.299 * (argb >> 16 & 0xFF) + 0.587 * (argb >> 8 & 0xFF)
                        + 0.114 * (argb & 0xFF));
                if (alpha) {
                    row[x] = (argb & 0xFF000000) | luma << 16 | luma << 8 | luma;
                } else {
                    raster.setSample(x, y, 0, luma);
                }
            }
            if (alpha) {
                gray.setRGB(0, y, w, 1, row, 0, w);
            }
        }
        return gray;
    }

    /**
     * Encodes as PNG with a fast deflate level: the JDK's default (the slowest, level 9) made encoding most of a
     * resize's time, for files only about 10 % smaller.
     */
    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream output = ImageIO.createImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(PNG_COMPRESSION_QUALITY);
            writer.setOutput(output);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e); // in memory: not expected
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static BufferedImage draw(BufferedImage source, int width, int height, int type, Object interpolation) {
        BufferedImage target = new BufferedImage(width, height, type);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
