package io.github.sqsreliable.example.image.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqsreliable.example.image.imaging.ImageFormat;
import io.github.sqsreliable.example.image.imaging.ImageProcessor;
import io.github.sqsreliable.example.image.imaging.UnsupportedImageException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DemoImagesTest {

    @Test
    void spreadsUsersRoundRobinAndCorruptImagesEvenly() {
        List<DemoImages.PlannedImage> plan = DemoImages.plan(200, 8, 5, 42);
        assertThat(plan).hasSize(200);
        assertThat(plan.stream().collect(Collectors.groupingBy(DemoImages.PlannedImage::userId, Collectors.counting())))
                .hasSize(8).allSatisfy((user, count) -> assertThat(count).isEqualTo(25));
        List<Integer> corrupt = plan.stream().filter(DemoImages.PlannedImage::corrupt)
                .map(DemoImages.PlannedImage::index).toList();
        assertThat(corrupt).hasSize(5);
        assertThat(corrupt).containsExactly(20, 61, 102, 143, 184);
        assertThat(corrupt.stream().map(i -> plan.get(i).userId()).distinct()).hasSize(5);
        assertThat(plan.stream().map(DemoImages.PlannedImage::format).distinct())
                .contains(ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.GIF, ImageFormat.BMP);
        assertThat(plan).anyMatch(image -> image.width() * image.height() >= 3_000_000);
    }

    @Test
    void corruptImagesLookLikeJpegsButDoNotDecode() {
        DemoImages.PlannedImage corrupt = DemoImages.plan(10, 1, 10, 1).get(0);
        byte[] bytes = corrupt.bytes();
        assertThat(ImageProcessor.detectFormat(bytes)).isEqualTo(ImageFormat.JPEG);
        assertThatThrownBy(() -> ImageProcessor.create().process(bytes))
                .isInstanceOf(UnsupportedImageException.class);
    }

    @Test
    void theSamePlanForTheSameSeed() {
        assertThat(DemoImages.plan(50, 3, 2, 9)).extracting(DemoImages.PlannedImage::name)
                .isEqualTo(DemoImages.plan(50, 3, 2, 9).stream().map(DemoImages.PlannedImage::name).toList());
        assertThatThrownBy(() -> DemoImages.plan(5, 1, 6, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
