package io.sluice.runtime.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The head of a class file: its name, access flags, super class and interfaces. Reading only this
 * (and not loading the class) lets the scanner walk thousands of classes cheaply and load just the
 * few that can be plugins.
 */
record ClassHeader(String name, int access, String superName, List<String> interfaces) {

    private static final int MAGIC = 0xCAFEBABE;

    /** A public, concrete class: the only kind that can be instantiated as a plugin. */
    boolean isPublicConcrete() {
        return Modifier.isPublic(access) && !Modifier.isAbstract(access) && !Modifier.isInterface(access);
    }

    /** Parses class file heads through a reusable buffer: no allocation per constant, one buffer per scan. */
    static final class Reader {
        private byte[] buf = new byte[64 * 1024];
        private int[] offsets = new int[4096];
        private int length;
        private InputStream in;

        /** Reads the head of one class file from the stream, and nothing past its interface table. */
        ClassHeader read(InputStream stream) throws IOException {
            length = 0;
            in = stream;
            try {
                return parse();
            } finally {
                in = null;
            }
        }

        /** Makes the first {@code size} bytes available, reading (inflating) little more than that. */
        private void ensure(int size) throws IOException {
            while (length < size) {
                if (size > buf.length) {
                    buf = Arrays.copyOf(buf, Math.max(size, buf.length * 2));
                }
                int n = in.read(buf, length, Math.min(buf.length - length, Math.max(size - length, 4096)));
                if (n < 0) {
                    throw new IOException("truncated class file");
                }
                length += n;
            }
        }

        private ClassHeader parse() throws IOException {
            if (readInt(0) != MAGIC) {
                throw new IOException("not a class file");
            }
            int count = u2(8);
            if (offsets.length < count) {
                offsets = new int[Math.max(count, offsets.length * 2)];
            }
            int pos = 10;
            for (int i = 1; i < count; i++) {
                offsets[i] = pos;
                int tag = u1(pos);
                pos += switch (tag) {
                    case 1 -> {
                        int size = 3 + u2(pos + 1);
                        ensure(pos + size);
                        yield size;
                    }
                    case 7, 8, 16, 19, 20 -> 3;
                    case 15 -> 4;
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> 5;
                    case 5, 6 -> {
                        i++;
                        yield 9;
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag);
                };
            }
            int access = u2(pos);
            String name = className(u2(pos + 2), count);
            String superName = className(u2(pos + 4), count);
            String[] interfaces = new String[u2(pos + 6)];
            for (int i = 0; i < interfaces.length; i++) {
                interfaces[i] = className(u2(pos + 8 + 2 * i), count);
            }
            return new ClassHeader(name, access, superName, List.of(interfaces));
        }

        private String className(int classIndex, int count) throws IOException {
            if (classIndex == 0) {
                return null;
            }
            if (classIndex >= count || u1(offsets[classIndex]) != 7) {
                throw new IOException("bad class reference " + classIndex);
            }
            int nameIndex = u2(offsets[classIndex] + 1);
            if (nameIndex >= count || u1(offsets[nameIndex]) != 1) {
                throw new IOException("bad class name reference " + nameIndex);
            }
            int at = offsets[nameIndex];
            // Class names are plain ASCII in practice; modified UTF-8 differs from UTF-8 only for NUL and astral chars.
            return new String(buf, at + 3, u2(at + 1), StandardCharsets.UTF_8).replace('/', '.');
        }

        private int u1(int at) throws IOException {
            if (at >= length) {
                ensure(at + 1);
            }
            return buf[at] & 0xFF;
        }

        private int u2(int at) throws IOException {
            return (u1(at) << 8) | u1(at + 1);
        }

        private int readInt(int at) throws IOException {
            return (u2(at) << 16) | u2(at + 2);
        }
    }
}
