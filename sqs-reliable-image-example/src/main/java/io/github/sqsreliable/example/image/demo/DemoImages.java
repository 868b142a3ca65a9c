package io.github.sqsreliable.example.image.demo;

import io.github.sqsreliable.example.image.imaging.ImageFormat;
import io.github.sqsreliable.example.image.samples.SyntheticImages;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Plans the demo's uploads: which user uploads what, in which format and size, and which ones are corrupt.
 * Images are painted only when {@link PlannedImage#bytes()} is called, so upload threads share the work.
 */
final class DemoImages {

    /** One planned upload. */
    record PlannedImage(int index, String userId, String name, ImageFormat format, int width, int height,
            boolean corrupt, SyntheticImages generator) {

        PlannedImage {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(generator, "generator");
        }

        byte[] bytes() {
            return corrupt ? generator.truncatedJpeg(name, width, height).bytes()
                    : generator.sample(name, format, width, height).bytes();
        }
    }

    private DemoImages() {
    }

    /**
     * @param count how many images
     * @param users how many users share them, round robin
     * @param corrupt how many of them are corrupt (truncated JPEGs), spread evenly
     * @param seed the seed of sizes, formats and pictures
     */
    static List<PlannedImage> plan(int count, int users, int corrupt, long seed) {
        if (count < 1 || users < 1 || corrupt < 0 || corrupt > count) {
            throw new IllegalArgumentException("need count >= 1, users >= 1, 0 <= corrupt <= count: " + count + ", "
                    + users + ", " + corrupt);
        }
        SyntheticImages generator = SyntheticImages.create(seed);
        SplittableRandom random = new SplittableRandom(seed);
        // Spread the corrupt ones evenly, shifted by one more each time so that they fall to different users.
        Set<Integer> corruptIndexes = new HashSet<>();
        for (int k = 0; k < corrupt; k++) {
            int index = (int) ((k + 0.5) * count / corrupt) + k;
            while (index >= count || corruptIndexes.contains(index)) {
                index = (index + 1) % count;
            }
            corruptIndexes.add(index);
        }
        List<PlannedImage> planned = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String user = "user-" + (i % users + 1);
            boolean isCorrupt = corruptIndexes.contains(i);
            ImageFormat format = isCorrupt ? ImageFormat.JPEG : format(random.nextInt(100));
            int[] size = size(random);
            String name = String.format("demo-%04d-%dx%d.%s", i + 1, size[0], size[1], extension(format));
            planned.add(new PlannedImage(i, user, name, format, size[0], size[1], isCorrupt, generator));
        }
        return planned;
    }

    private static ImageFormat format(int percentile) {
        if (percentile < 50) {
            return ImageFormat.JPEG;
        }
        if (percentile < 75) {
            return ImageFormat.PNG;
        }
        if (percentile < 94) {
            return ImageFormat.BMP;
        }
        return ImageFormat.GIF;
    }

    /**
     * Mostly web-sized pictures; one in ten a camera-sized photo (4 to 6 megapixels), so that resizing is real
     * work. Painting the pictures costs about as much CPU as resizing them, so sizes are kept modest enough for
     * the default demo to finish within a minute on two cores.
     */
    private static int[] size(SplittableRandom random) {
        if (random.nextInt(10) == 0) {
            return random.nextBoolean() ? new int[] {3000, 2000} : new int[] {1600, 2400};
        }
        int longSide = 200 + random.nextInt(1000);
        int shortSide = (int) (longSide * (0.5 + random.nextDouble() * 0.5));
        return random.nextBoolean() ? new int[] {longSide, shortSide} : new int[] {shortSide, longSide};
    }

    private static String extension(ImageFormat format) {
        return switch (format) {
            case JPEG -> "jpg";
            case PNG -> "png";
            case GIF -> "gif";
            case BMP -> "bmp";
        };
    }
}
