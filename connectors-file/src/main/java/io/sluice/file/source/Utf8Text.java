package io.sluice.file.source;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A line's bytes as UTF-8 text, never altered silently: bytes that are not UTF-8 are an error (a malformed line,
 * which errors.tolerance handles) unless encoding.errors=replace asked for U+FFFD in their place. The fast path is
 * Java's own decoding; only a line whose text holds U+FFFD is checked strictly, since the file may hold that
 * character itself (EF BF BD).
 */
final class Utf8Text {

    /** A line that is not valid UTF-8; says at which byte of the line. */
    static final class InvalidUtf8Exception extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final int byteIndex;

        InvalidUtf8Exception(int byteIndex, int value) {
            super(String.format("not valid UTF-8 at byte %d of the line (0x%02x); set encoding.errors=replace to read "
                    + "it with U+FFFD in place of such bytes, or keep to pass every line's bytes unchanged",
                    byteIndex, value & 0xff));
            this.byteIndex = byteIndex;
        }
    }

    private static final ThreadLocal<CharsetDecoder> STRICT = ThreadLocal.withInitial(() ->
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));

    private Utf8Text() {
    }

    /**
     * The line as text. Invalid bytes throw an {@link InvalidUtf8Exception}, or with replace become U+FFFD and
     * out.replacedInvalidBytes is set.
     */
    static String decode(byte[] buf, int off, int len, boolean replace, LineParser.ParsedLine out) {
        String text = new String(buf, off, len, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        int invalid = firstInvalid(buf, off, len);
        if (invalid >= 0) {
            if (!replace) {
                throw new InvalidUtf8Exception(invalid, buf[off + invalid]);
            }
            out.replacedInvalidBytes = true;
        }
        return text;
    }

    /** Where (from off) the first byte of the first invalid sequence is, or -1 when every byte is valid UTF-8. */
    static int firstInvalid(byte[] buf, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end && buf[i] >= 0) {
            i++;
        }
        if (i == end) {
            return -1; // ASCII, as most lines are
        }
        CharsetDecoder decoder = STRICT.get().reset();
        ByteBuffer in = ByteBuffer.wrap(buf, i, end - i);
        CharBuffer chars = CharBuffer.allocate(Math.min(end - i, 8192));
        while (true) {
            CoderResult result = decoder.decode(in, chars, true);
            if (result.isError()) {
                return in.position() - off;
            }
            if (result.isUnderflow()) {
                CoderResult flushed = decoder.flush(chars);
                return flushed.isError() ? in.position() - off : -1;
            }
            chars.clear(); // overflow: only validity matters, not the text
        }
    }
}
