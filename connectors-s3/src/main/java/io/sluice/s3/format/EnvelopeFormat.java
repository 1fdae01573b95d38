package io.sluice.s3.format;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One JSON object per line holding the whole record (offset, timestamp, key, value, headers), so the
 * S3 source can restore the topic exactly. Byte arrays are stored base64 under keyBytes/valueBytes so a
 * reader knows them from strings.
 */
final class EnvelopeFormat implements RecordFormat {

    @Override
    public String extension() {
        return ".records.json";
    }

    @Override
    public RecordWriter open(OutputStream out) throws IOException {
        JsonGenerator json = ConnectJson.generator(out);
        return new RecordWriter() {
            @Override
            public void write(SinkRecord record) throws IOException {
                json.writeStartObject();
                json.writeNumberField("offset", record.kafkaOffset());
                if (record.timestamp() != null) {
                    json.writeNumberField("timestamp", record.timestamp());
                    json.writeStringField("timestampType", record.timestampType().name);
                }
                ConnectJson.writeTagged(json, "key", record.key(), record.keySchema());
                ConnectJson.writeTagged(json, "value", record.value(), record.valueSchema());
                if (!record.headers().isEmpty()) {
                    json.writeArrayFieldStart("headers");
                    for (Header header : record.headers()) {
                        json.writeStartObject();
                        json.writeStringField("name", header.key());
                        ConnectJson.writeTagged(json, "value", header.value(), header.schema());
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                }
                json.writeEndObject();
                json.writeRaw('\n');
            }

            @Override
            public void finish() throws IOException {
                json.flush();
            }
        };
    }
}
