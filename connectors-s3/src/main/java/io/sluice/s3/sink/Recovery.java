package io.sluice.s3.sink;

import io.sluice.s3.ObjectNames.StoredObject;
import io.sluice.s3.ObjectNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds the objects already stored for newly assigned partitions by listing the bucket, and removes the
 * leftovers of multipart uploads a crash interrupted before they got their final name.
 */
final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final S3Client s3;
    private final String bucket;
    private final ObjectNames names;
    private final Partitioner partitioner;

    Recovery(S3Client s3, String bucket, ObjectNames names, Partitioner partitioner) {
        this.s3 = s3;
        this.bucket = bucket;
        this.names = names;
        this.partitioner = partitioner;
    }

    /** The stored objects of each partition; a partition with none maps to an empty list. */
    Map<TopicPartition, List<StoredObject>> storedObjects(Collection<TopicPartition> partitions) {
        Map<TopicPartition, List<StoredObject>> result = new HashMap<>();
        partitions.forEach(tp -> result.put(tp, new ArrayList<>()));
        if (partitioner.pathPerKafkaPartition()) {
            for (TopicPartition tp : partitions) {
                list(names.topicPrefix(tp.topic()) + "partition=" + tp.partition() + "/", Set.of(tp), result);
            }
        } else {
            Map<String, Set<TopicPartition>> byTopic = partitions.stream()
                    .collect(Collectors.groupingBy(TopicPartition::topic, Collectors.toSet()));
            byTopic.forEach((topic, tps) -> list(names.topicPrefix(topic), tps, result));
        }
        return result;
    }

    private void list(String prefix, Set<TopicPartition> wanted, Map<TopicPartition, List<StoredObject>> result) {
        abortInterruptedUploads(prefix, wanted);
        int found = 0;
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            String key = object.key();
            if (ObjectNames.isUploading(key)) {
                if (ownedBy(key, wanted)) {
                    log.info("Removing s3://{}/{}: a multipart upload completed but never named before a crash", bucket, key);
                    s3.deleteObject(b -> b.bucket(bucket).key(key));
                }
                continue;
            }
            Optional<StoredObject> parsed = ObjectNames.parse(key);
            if (parsed.isPresent()) {
                TopicPartition tp = new TopicPartition(parsed.get().topic(), parsed.get().partition());
                if (wanted.contains(tp)) {
                    result.get(tp).add(parsed.get());
                    found++;
                }
            }
        }
        log.info("Found {} stored objects under s3://{}/{} for {}", found, bucket, prefix, wanted);
    }

    private static boolean ownedBy(String key, Set<TopicPartition> wanted) {
        return wanted.stream().anyMatch(tp -> key.contains("/" + tp.topic() + "+" + tp.partition() + "+"));
    }

    /** Multipart uploads a crash left open would hold their parts (and cost storage) until aborted. */
    private void abortInterruptedUploads(String prefix, Set<TopicPartition> wanted) {
        for (MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix)).uploads()) {
            if (ObjectNames.isUploading(upload.key()) && ownedBy(upload.key(), wanted)) {
                log.info("Aborting the multipart upload of s3://{}/{} a crash interrupted", bucket, upload.key());
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
            }
        }
    }
}
