package io.sluice.s3.format;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.kafka.connect.sink.SinkRecord;

/** One JSON value per line: the record value only, as Confluent's JsonFormat writes it. */
final class JsonLinesFormat implements RecordFormat {

    @Override
    public String extension() {
        return ".json";
    }

    @Override
    public RecordWriter open(OutputStream out) throws IOException {
        JsonGenerator json = ConnectJson.generator(out);
        return new RecordWriter() {
            @Override
            public void write(SinkRecord record) throws IOException {
                ConnectJson.write(json, record.value(), record.valueSchema());
                json.writeRaw('\n');
            }

            @Override
            public void finish() throws IOException {
                json.flush();
            }
        };
    }
}
