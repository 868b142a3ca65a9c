package io.github.sqsreliable.example.image.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link BlobStore} in an S3 bucket, each key stored as the object {@code <prefix><key>}: the Lambda form's
 * originals and variants (prefix {@code ""}) and status records (prefix {@code "status/"}) share one bucket.
 *
 * <p>One request per call: PutObject, GetObject, HeadObject ({@link #exists}, {@link #size}), HeadObject then
 * DeleteObject ({@link #delete}: S3 does not say whether it removed anything), ListObjectsV2 page by page
 * ({@link #keys}). A PutObject replaces the object atomically, and S3 reads are strongly consistent, as the
 * {@code BlobStore} contract asks. Failures of S3 or the network surface as {@link UncheckedIOException}, which the
 * pipeline treats as transient.
 *
 * <p>Thread-safe. The client is the caller's: it is never closed here.
 *
 * <pre>{@code
 * BlobStore blobs = S3BlobStore.create(S3Client.create(), "my-images", "");
 * }</pre>
 */
public final class S3BlobStore implements BlobStore {

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    private S3BlobStore(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /**
     * A store in {@code bucket} under {@code prefix}.
     *
     * @param s3 the client; not closed here
     * @param bucket the bucket, which must exist
     * @param prefix {@code ""} for the whole bucket, or valid blob key segments ending with {@code '/'}, such as
     *     {@code "status/"}
     * @throws IllegalArgumentException if the bucket is blank or the prefix is not as described
     */
    public static S3BlobStore create(S3Client s3, String bucket, String prefix) {
        Objects.requireNonNull(s3, "s3");
        Objects.requireNonNull(prefix, "prefix");
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("bucket must not be blank, was '" + bucket + "'");
        }
        if (!prefix.isEmpty()) {
            if (!prefix.endsWith("/")) {
                throw new IllegalArgumentException("prefix '" + prefix + "' must be empty or end with '/'");
            }
            BlobKeys.requireValid(prefix.substring(0, prefix.length() - 1));
        }
        return new S3BlobStore(s3, bucket, prefix);
    }

    @Override
    public void put(String key, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        String object = object(key);
        call("write blob '" + key + "'", () -> s3.putObject(PutObjectRequest.builder().bucket(bucket).key(object)
                .build(), RequestBody.fromBytes(bytes)));
    }

    @Override
    public Optional<byte[]> get(String key) {
        String object = object(key);
        return call("read blob '" + key + "'", () -> {
            try {
                return Optional.of(s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(object).build())
                        .asByteArray());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public boolean exists(String key) {
        return size(key).isPresent();
    }

    @Override
    public OptionalLong size(String key) {
        String object = object(key);
        return call("read the size of blob '" + key + "'", () -> {
            try {
                Long length = s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(object).build())
                        .contentLength();
                return length == null ? OptionalLong.empty() : OptionalLong.of(length);
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return OptionalLong.empty(); // a HEAD answer has no body, so no error code to tell
                }
                throw e;
            }
        });
    }

    /** {@inheritDoc} Two requests, not atomic: a concurrent put between them may be deleted and reported absent. */
    @Override
    public boolean delete(String key) {
        if (!exists(key)) {
            return false;
        }
        String object = object(key);
        call("delete blob '" + key + "'", () -> s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket)
                .key(object).build()));
        return true;
    }

    @Override
    public List<String> keys(String keyPrefix) {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        return call("list blobs under '" + keyPrefix + "'", () -> s3.listObjectsV2Paginator(ListObjectsV2Request
                        .builder().bucket(bucket).prefix(prefix + keyPrefix).build())
                .contents().stream()
                .map(S3Object::key)
                .map(object -> object.substring(prefix.length()))
                .toList());
    }

    private String object(String key) {
        return prefix + BlobKeys.requireValid(key);
    }

    private <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw new UncheckedIOException(new IOException("cannot " + what + " in s3://" + bucket + "/" + prefix
                    + ": " + e.getMessage(), e));
        }
    }

    @Override
    public String toString() {
        return "S3BlobStore[s3://" + bucket + "/" + prefix + "]";
    }
}
