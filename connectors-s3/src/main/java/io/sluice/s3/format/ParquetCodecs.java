package io.sluice.s3.format;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet page compression without Hadoop: Parquet's own codec factory goes through Hadoop's codec classes,
 * which the plugin does not ship. Snappy and zstd come from the libraries kafka-clients already brings,
 * gzip from the JDK.
 */
public final class ParquetCodecs implements CompressionCodecFactory {

    /** Accepted values of parquet.codec. */
    static final java.util.List<String> NAMES = java.util.List.of("none", "snappy", "gzip", "zstd");

    static CompressionCodecName codec(String name) {
        return switch (name) {
            case "snappy" -> CompressionCodecName.SNAPPY;
            case "gzip" -> CompressionCodecName.GZIP;
            case "zstd" -> CompressionCodecName.ZSTD;
            default -> CompressionCodecName.UNCOMPRESSED;
        };
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput input) throws IOException {
                byte[] raw = input.toByteArray();
                return BytesInput.from(switch (codec) {
                    case UNCOMPRESSED -> raw;
                    case SNAPPY -> Snappy.compress(raw);
                    case ZSTD -> Zstd.compress(raw, 3);
                    case GZIP -> gzip(raw);
                    default -> throw new IOException("Parquet codec " + codec + " is not supported");
                });
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {
                // no pooled state
            }
        };
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput input, int uncompressedSize) throws IOException {
                byte[] compressed = input.toByteArray();
                return BytesInput.from(switch (codec) {
                    case UNCOMPRESSED -> compressed;
                    case SNAPPY -> Snappy.uncompress(compressed);
                    case ZSTD -> Zstd.decompress(compressed, uncompressedSize);
                    case GZIP -> {
                        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
                            yield in.readAllBytes();
                        }
                    }
                    default -> throw new IOException("Parquet codec " + codec + " is not supported");
                });
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                    throws IOException {
                byte[] compressed = new byte[compressedSize];
                input.duplicate().get(compressed);
                output.put(decompress(BytesInput.from(compressed), uncompressedSize).toByteArray());
            }

            @Override
            public void release() {
                // no pooled state
            }
        };
    }

    @Override
    public void release() {
        // no pooled state
    }
}
